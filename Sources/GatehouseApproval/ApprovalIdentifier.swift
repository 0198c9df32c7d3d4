/// Identifiers of requests (`apr_…`) and the grants they yield (`grt_…`).
enum ApprovalIdentifier {
    /// `prefix` and 16 random lower-case hex digits (64 bits: unguessable enough that an ID in
    /// a notification link is not an invitation to enumerate).
    static func random(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The grant ID of a request: same digits, `grt_` prefix, so evidence links them at a glance.
    static func grantID(forRequest requestID: String) -> String {
        "grt_" + requestID.drop(while: { $0 != "_" }).dropFirst()
    }
}
