import GatehouseCore

/// Why statements need approval and what they touch.
public struct ApprovalNeed: Sendable, Hashable {
    /// Human-readable reasons, e.g. "reads classified table public.customers (contact)".
    public var reasons: [String]
    public var scope: ApprovalScope

    public init(reasons: [String], scope: ApprovalScope) {
        self.reasons = reasons
        self.scope = scope
    }
}

/// What `ApprovalTrigger` answers for a principal's statements.
public enum ApprovalTriggerOutcome: Sendable, Hashable {
    /// Nothing requires approval.
    case proceed
    /// Approval would be needed, but the principal is in a break-glass group: proceed and record
    /// the group together with what would have been held.
    case proceedByBreakGlass(group: String, need: ApprovalNeed)
    /// Hold for approval.
    case needsApproval(ApprovalNeed)

    /// What would have required approval (nil for `proceed`).
    public var need: ApprovalNeed? {
        switch self {
        case .proceed: nil
        case .proceedByBreakGlass(_, let need), .needsApproval(let need): need
        }
    }
}
