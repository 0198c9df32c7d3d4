import GatehouseCore

/// What a signed-in human may do in the UI, from their groups. Roles open pages; they never
/// widen a decision: the broker still checks the connection's approver groups and four-eyes.
public enum UIRole: String, Sendable, CaseIterable, Comparable {
    /// Sees and decides approval requests (member of some connection's approver groups).
    case approver
    /// Reads sessions, timelines, the ledger's status and the connections.
    case auditor
    /// Everything an approver and an auditor can see (deciding still needs approver groups).
    case admin

    public static func < (lhs: UIRole, rhs: UIRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Which groups hold which role.
public struct UIRoleRules: Sendable, Equatable {
    public var approverGroups: [String]
    public var auditorGroups: [String]
    public var adminGroups: [String]

    public init(approverGroups: some Sequence<String>, auditorGroups: some Sequence<String>, adminGroups: some Sequence<String>) {
        self.approverGroups = Array(approverGroups)
        self.auditorGroups = Array(auditorGroups)
        self.adminGroups = Array(adminGroups)
    }

    /// Group names compare byte for byte (`ExactIdentifier`): a lookalike is another group.
    public func roles(of principal: Principal) -> Set<UIRole> {
        var roles: Set<UIRole> = []
        if ExactIdentifier.sharesAny(principal.groups, approverGroups) { roles.insert(.approver) }
        if ExactIdentifier.sharesAny(principal.groups, auditorGroups) { roles.insert(.auditor) }
        if ExactIdentifier.sharesAny(principal.groups, adminGroups) { roles.insert(.admin) }
        return roles
    }
}
