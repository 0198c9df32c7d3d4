import Foundation

/// An MCP tool call on the gateway's `/mcp` endpoint (docs/mcp.md), recorded once when decided,
/// before anything runs (`phase: request`), and once when the agent has had its answer
/// (`phase: response`). A tool that runs a statement runs it in a PostgreSQL session of the
/// gateway's own, recorded as usual; `postgresSession` names it.
public struct MCPActivity: Sendable, Codable, Equatable {
    public typealias Phase = RequestEventPhase
    public typealias Decision = RequestEventDecision

    /// Response outcomes: answered, failed (`error` says what the agent was told), still held for
    /// an approval, or refused by that approval.
    public enum Outcome {
        public static let ok = "ok"
        public static let error = "error"
        public static let held = "held"
        public static let denied = "denied"
        public static let all: Set<String> = [ok, error, held, denied]
    }

    /// The tools the endpoint offers, and `unknown` for a name it does not. The ledger accepts any
    /// name (a later version may offer more); metrics count only these, so no label is the agent's.
    public enum Tool {
        public static let listConnections = "list_connections"
        public static let describe = "describe"
        public static let query = "query"
        public static let approvalStatus = "approval_status"
        public static let blobList = "blob_list"
        public static let blobRead = "blob_read"
        public static let unknown = "unknown"
        public static let all: Set<String> = [listConnections, describe, query, approvalStatus, blobList, blobRead, unknown]
    }

    public var phase: String
    /// The tool called (`list_connections`, `describe`, `query`, `approval_status`, `blob_list`,
    /// `blob_read`), or `unknown`.
    public var tool: String
    /// The MCP session (`Mcp-Session-Id`).
    public var mcpSession: String
    /// The MCP client's `clientInfo` name and version, as it said.
    public var clientName: String?
    public var clientVersion: String?
    /// Request phase: the decision and why (the gateway's own words).
    public var decision: String?
    public var reason: String?
    /// The call's arguments as JSON (sealed in the ledger: a statement can name someone).
    public var arguments: String?
    /// Response phase.
    public var outcome: String?
    /// The approval request that holds or let through the call.
    public var approval: String?
    /// The gateway's PostgreSQL session (event sessionID) the statement ran in.
    public var postgresSession: String?
    /// Rows returned to the agent, and whether the row limit cut the result.
    public var rows: Int?
    public var truncated: Bool?
    /// What the agent was told when the call failed (sealed: an error can quote data).
    public var error: String?

    public init(phase: String, tool: String, mcpSession: String, clientName: String? = nil, clientVersion: String? = nil,
                decision: String? = nil, reason: String? = nil, arguments: String? = nil, outcome: String? = nil,
                approval: String? = nil, postgresSession: String? = nil, rows: Int? = nil, truncated: Bool? = nil,
                error: String? = nil) {
        self.phase = phase
        self.tool = tool
        self.mcpSession = mcpSession
        self.clientName = clientName
        self.clientVersion = clientVersion
        self.decision = decision
        self.reason = reason
        self.arguments = arguments
        self.outcome = outcome
        self.approval = approval
        self.postgresSession = postgresSession
        self.rows = rows
        self.truncated = truncated
        self.error = error
    }
}
