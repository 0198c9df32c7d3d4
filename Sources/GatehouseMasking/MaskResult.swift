/// The outcome of masking one buffer.
public struct MaskResult: Sendable {
    /// The masked bytes, or nil when nothing was found: the caller forwards the original bytes.
    public var output: [UInt8]?
    /// One entry per distinct identifier masked, in order of first appearance.
    public var hits: [SubjectHit]

    public init(output: [UInt8]?, hits: [SubjectHit]) {
        self.output = output
        self.hits = hits
    }
}

/// For the evidence ledger: which data subject an event touched, without storing the identifier.
public struct SubjectHit: Sendable, Hashable, Codable {
    public var kind: IdentifierKind
    /// Hex HMAC-SHA256(subjectKey, normalised value).
    public var digest: String

    public init(kind: IdentifierKind, digest: String) {
        self.kind = kind
        self.digest = digest
    }
}
