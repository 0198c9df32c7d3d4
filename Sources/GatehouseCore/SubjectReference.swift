/// A data subject an event touched, named by the masking engine's keyed digest of the identifier
/// (never the identifier itself), so the record can answer "which events touched this person".
public struct SubjectReference: Sendable, Codable, Hashable {
    /// The identifier kind (`email`, `iban`, ...) or classification category.
    public var kind: String
    /// Hex HMAC-SHA256 of the normalised identifier under the deployment's subject key.
    public var digest: String

    /// Most subjects kept on one event: a million-row result must not make a million-entry event.
    public static let limitPerEvent = 1_000

    public init(kind: String, digest: String) {
        self.kind = kind
        self.digest = digest
    }
}
