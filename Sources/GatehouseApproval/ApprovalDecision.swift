import Foundation
import GatehouseCore

/// One approver's recorded decision on a request.
public struct ApprovalDecision: Sendable, Hashable, Codable {
    public var approver: Principal
    public var approved: Bool
    public var reason: String?
    /// The grant the approver chose (nil for a denial).
    public var grant: GrantChoice?
    public var decidedAt: Date

    public init(approver: Principal, approved: Bool, reason: String?, grant: GrantChoice?, decidedAt: Date) {
        self.approver = approver
        self.approved = approved
        self.reason = reason
        self.grant = grant
        self.decidedAt = decidedAt
    }
}

/// What a decision did to its request.
public enum ApprovalDecisionOutcome: Sendable, Hashable {
    /// Enough distinct approvers approved: the statement may proceed under this grant.
    case approved(ApprovalGrant)
    /// Counted, but more distinct approvers are needed.
    case awaitingMoreApprovals(remaining: Int)
    /// An approver denied: the request is over.
    case denied(ApprovalDecision)
}
