/// Why a tool call is refused before anything runs. The agent reads it as a PostgreSQL error
/// would read (`ERROR 25006: gatehouse: ...`), so a refusal by the tool and one by the gateway's
/// session look alike; the ledger records the reason.
public struct ToolRefusal: Error, Equatable, Sendable {
    /// A SQLSTATE: 25006 read-only, 0A000 not available through the tool, 28000 connection not
    /// allowed, 22023 a bad argument.
    public var code: String
    public var reason: String

    public init(_ code: String, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// What the agent is told.
    public var message: String { "ERROR \(code): gatehouse: \(reason)" }
}
