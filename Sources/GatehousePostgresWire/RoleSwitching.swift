/// Which role the upstream session runs statements as, under the database backstop: statements
/// that may reach personal data (and were let through: approved, granted, break-glass) run as
/// the connection's approved role, everything else as the login role, which cannot read
/// classified data. The gateway switches with `SET ROLE` / `RESET ROLE` of its own, sent when
/// the server has answered everything else, and waits for the answer before the client's
/// statement goes (docs/security.md).
///
/// A switch made inside a transaction is undone by rolling back past it, so a savepoint or
/// transaction begun while the approved role was in force can bring it back: once an approved
/// statement has run in the open transaction, every transaction-control statement leaves the
/// role unknown, and the next statement resets it first. Pure: the session reports what it
/// forwarded and what the server said.
public struct RoleSwitching: Sendable {
    public enum Role: Sendable, Equatable { case login, approved, unknown }

    public enum Switch: Sendable, Equatable {
        case toApproved, toLogin

        /// The statement that makes the switch (`role` is quoted as an identifier).
        public func sql(approvedRole role: String) -> String {
            switch self {
            case .toApproved: return "SET ROLE \"" + role.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            case .toLogin: return "RESET ROLE"
            }
        }
    }

    public private(set) var current: Role = .login
    /// An approved statement ran since the session was last idle with the login role in force.
    private var approvedInTransaction = false

    public init() {}

    /// What to switch before a statement runs (or is bound: PostgreSQL checks privileges when a
    /// portal starts); nil: it may go as things are.
    public func switchBefore(needsApprovedRole: Bool) -> Switch? {
        if needsApprovedRole { return current == .approved ? nil : .toApproved }
        return current == .login ? nil : .toLogin
    }

    /// The server answered the gateway's switch; `idle`: its ReadyForQuery said no transaction
    /// is open (nil when the switch went inside an extended-protocol batch, with no such answer).
    public mutating func switched(_ change: Switch, succeeded: Bool, idle: Bool?) {
        guard succeeded else {
            current = .unknown
            return
        }
        switch change {
        case .toApproved:
            current = .approved
            approvedInTransaction = true
        case .toLogin:
            current = .login
            if idle == true { approvedInTransaction = false }
        }
    }

    /// A client statement went upstream. `mayResetRole`: it may set the role back to the login
    /// role's default (`RESET ALL`, `DISCARD ALL`, code the gateway cannot see into), so the
    /// next statement that needs the approved role sets it again.
    public mutating func forwarded(transactionControl: Bool, mayResetRole: Bool = false) {
        if transactionControl, approvedInTransaction { current = .unknown }
        if mayResetRole, current == .approved { current = .unknown }
    }

    /// ReadyForQuery of a client statement: outside a transaction, with the login role known to
    /// be in force, no rollback can bring the approved role back.
    public mutating func ready(idle: Bool) {
        if idle, current == .login { approvedInTransaction = false }
    }
}
