/// Redacted network changes (format 3, Protocol/CHANGES.md "Erasure of network records") go only to a
/// peer whose Hello lists this capability. A node without it cannot decode one and would end the session;
/// its sender holds such a log back from it at the first redacted change (SPEC.md, "Batch").
public enum RedactedNetworkChanges {
    public static let capability = "network-redaction"
}
