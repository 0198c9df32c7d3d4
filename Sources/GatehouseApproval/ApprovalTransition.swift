import GatehouseCore

/// Every step of an approval, for evidence and notifications. Requests are snapshots taken
/// right after the step.
public enum ApprovalTransition: Sendable, Hashable {
    case requested(ApprovalRequest)
    /// An approval was counted, but more distinct approvers are needed.
    case approvalCounted(ApprovalRequest, approver: Principal, reason: String?, remaining: Int)
    case approved(ApprovalRequest, approver: Principal, reason: String?, grant: ApprovalGrant)
    case denied(ApprovalRequest, approver: Principal, reason: String?)
    case expired(ApprovalRequest)
    case cancelled(ApprovalRequest)
    /// A statement proceeded under a grant; `requestID` is the request the grant came from.
    case grantUsed(ApprovalGrant, requestID: String)
}
