/// The protocol family a request arrived on.
public enum AccessProtocol: String, Sendable, Codable {
    case postgres, git, blob, kubernetes
}

/// A protocol-neutral request the policy decides on.
public struct AccessRequest: Sendable {
    public var principal: Principal
    public var connection: String
    public var accessProtocol: AccessProtocol
    /// For PostgreSQL: the statements about to run.
    public var statements: [StatementAnalysis]

    public init(principal: Principal, connection: String, accessProtocol: AccessProtocol, statements: [StatementAnalysis] = []) {
        self.principal = principal
        self.connection = connection
        self.accessProtocol = accessProtocol
        self.statements = statements
    }
}

/// The outcome of a policy decision.
public enum Decision: Sendable, Equatable {
    /// Go ahead.
    case allow
    /// Hold until an authorised human approves; the reason says what triggered it.
    case needsApproval(reason: String)
    /// Refuse; the reason is safe to show the client.
    case deny(reason: String)

    public var isAllowed: Bool { if case .allow = self { return true } else { return false } }
}
