/// The outcome of masking one buffer.
public struct MaskResult: Sendable {
    /// The masked bytes, or nil when nothing was found: the caller forwards the original bytes.
    public var output: [UInt8]?
    /// One entry per distinct identifier masked, in order of first appearance (the first
    /// `subjectLimit` of them where the masker has one).
    public var hits: [SubjectHit]
    /// How many distinct identifiers were masked, kept in `hits` or not.
    public var distinctSubjects: Int

    public init(output: [UInt8]?, hits: [SubjectHit], distinctSubjects: Int? = nil) {
        self.output = output
        self.hits = hits
        self.distinctSubjects = distinctSubjects ?? hits.count
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
