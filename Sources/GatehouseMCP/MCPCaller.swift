import GatehouseCore

/// Who is calling a tool, as the HTTP request that carried the call proves it.
struct MCPCaller: Sendable {
    let principal: Principal
    /// The bearer token, which opens the gateway's own PostgreSQL session in the caller's name
    /// (it never leaves the process, and never goes upstream).
    let token: String
    let mcpSession: String
    let clientName: String?
    let clientVersion: String?

    /// The client application the gateway's own session records: the MCP client and the MCP
    /// session, so an auditor can join the two.
    var applicationName: String {
        let client = [clientName, clientVersion].compactMap { $0 }.joined(separator: " ")
        return "mcp: \(client.isEmpty ? "unnamed client" : client) (session \(mcpSession))"
    }
}
