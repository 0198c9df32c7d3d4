/// How a detected identifier is replaced.
public enum MaskingStrategy: String, Sendable, Codable, CaseIterable {
    /// `[EMAIL]`: the type label only.
    case redact
    /// Keeps a little context: `j***@example.com`, `************1111`, `DE** … 3000`.
    case partial
    /// A keyed HMAC of the normalised value rendered in the original shape, so equal values stay
    /// equal (agents can group and join) without revealing them.
    case pseudonym
}
