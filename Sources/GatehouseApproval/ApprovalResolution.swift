/// How a held statement's wait ends: what the gateway tells the waiting client.
public enum ApprovalResolution: Sendable, Hashable {
    /// Proceed under this grant.
    case approved(ApprovalGrant)
    /// Refused by an approver.
    case denied(ApprovalDecision)
    /// Nobody decided before the deadline.
    case expired
    /// The request was cancelled (the client went away).
    case cancelled
}
