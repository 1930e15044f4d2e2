/// Every limit of the sync protocol, as written in Protocol/SPEC.md. Changing one is a protocol change.
public enum WireLimits {
    public static let protocolVersion: UInt32 = 2
    public static let minimumProtocolVersion: UInt32 = 1
    /// Largest frame (type + flags + payload); a larger length prefix is refused before allocating.
    public static let maxFrameBytes = 8 << 20
    /// Largest payload after inflating; the declared length is checked against it before inflating.
    public static let maxInflatedBytes = 16 << 20
    /// A batch holds at most this many changes and at most `maxBatchBytes` of them, uncompressed.
    public static let maxBatchChanges = 1_024
    public static let maxBatchBytes = 4 << 20
    /// Batches sent but not yet acknowledged.
    public static let sendWindow = 4
    /// Payloads shorter than this are sent uncompressed.
    public static let compressionThreshold = 256
    public static let compressionLevel: Int32 = 6
    /// Entries in a summary (version vector).
    public static let maxSummaryEntries = 100_000
    /// Circle logs one direction of a session may name (`Batch.named_logs`): at most about 1 MiB of
    /// headers; past it a sender sends circle changes whole.
    public static let maxNamedLogs = 16_384
    /// Length of a summary entry's tip digest (a SHA-256 prefix).
    public static let tipDigestBytes = 16
    public static let maxNameBytes = 256
    public static let maxCapabilities = 64
    /// Seconds.
    public static let handshakeTimeout: Int64 = 10
    public static let pingInterval: Int64 = 15
    public static let idleTimeout: Int64 = 45
}
