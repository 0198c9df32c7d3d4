import GatehouseCore

/// A connection's approval settings: what triggers a hold, who may approve, and the limits on
/// what an approver may grant.
public struct ApprovalRules: Sendable, Hashable {
    public static let defaultMinimumApprovals = 1
    public static let defaultHoldTimeoutSeconds = 60
    public static let defaultMaximumGrantMinutes = 60

    public var mode: ApprovalMode
    /// Members of any of these groups may approve or deny (never their own requests).
    public var approverGroups: [String]
    /// Distinct approvers needed before a request is approved (at least 1).
    public var minimumApprovals: Int
    /// Members of these groups skip approval; the skip is recorded with the group.
    public var breakGlassGroups: [String]
    /// Statement kinds held in every mode (e.g. `ddl`, `update`, `delete`).
    public var kindsRequiringApproval: Set<StatementKind>
    /// How long a held statement waits for a decision.
    public var holdTimeoutSeconds: Int
    /// The longest time-boxed grant an approver may give.
    public var maximumGrantMinutes: Int

    public init(
        mode: ApprovalMode, approverGroups: [String] = [],
        minimumApprovals: Int = ApprovalRules.defaultMinimumApprovals, breakGlassGroups: [String] = [],
        kindsRequiringApproval: Set<StatementKind> = [],
        holdTimeoutSeconds: Int = ApprovalRules.defaultHoldTimeoutSeconds,
        maximumGrantMinutes: Int = ApprovalRules.defaultMaximumGrantMinutes
    ) {
        self.mode = mode
        self.approverGroups = approverGroups
        // Fewer than one approval would approve without a human: clamp rather than trust.
        self.minimumApprovals = max(1, minimumApprovals)
        self.breakGlassGroups = breakGlassGroups
        self.kindsRequiringApproval = kindsRequiringApproval
        self.holdTimeoutSeconds = holdTimeoutSeconds
        self.maximumGrantMinutes = maximumGrantMinutes
    }

    /// The first break-glass group (in configuration order) the principal belongs to.
    public func breakGlassGroup(of principal: Principal) -> String? {
        ExactIdentifier.first(of: breakGlassGroups, in: principal.groups)
    }

    /// Whether the principal is in one of the approver groups.
    public func isApprover(_ principal: Principal) -> Bool {
        ExactIdentifier.sharesAny(principal.groups, approverGroups)
    }
}
