/// Where an approval request stands. Only `pending` ever changes.
public enum ApprovalState: String, Sendable, Hashable, Codable {
    case pending, approved, denied, expired
    /// The client went away (or the statement was abandoned) before a decision.
    case cancelled
}
