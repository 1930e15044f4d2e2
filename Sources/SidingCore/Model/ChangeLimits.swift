/// Hard limits on a change, the same on every node so a change is valid everywhere or nowhere.
/// Written into Protocol/ when the wire spec lands; changing one is a protocol change.
public enum ChangeLimits {
    public static let maxEncodedBytes = 1 << 20
    public static let maxOperations = 4_096
    public static let maxFieldNameBytes = 64
    public static let maxValueBytes = 256 * 1024
    public static let maxDotsPerOperation = 4_096
    public static let maxReferencedOrigins = 1_024
    public static let maxUnknownBodyBytes = 256 * 1024
}
