import Foundation

/// Which node a command means: `--home DIR`, else `$SIDING_HOME`. Shared by `siding` and `sidingd`.
public enum HomeLocation {
    public static let environmentVariable = "SIDING_HOME"
    public static let missingMessage = "say which node: --home DIR or the SIDING_HOME environment variable"

    public static func resolve(_ explicit: String?) -> String? {
        let path = explicit ?? ProcessInfo.processInfo.environment[environmentVariable]
        return path?.isEmpty == false ? path : nil
    }
}
