/// `mcp`: the MCP endpoint at `/mcp` on the HTTP listener (docs/mcp.md). Off unless enabled.
public struct MCPConfiguration: Sendable, Equatable {
    public static let defaultMaxRows = 100
    public static let maxRowsRange = 1...10_000
    public static let defaultSessionIdleMinutes = 30
    public static let sessionIdleMinutesRange = 1...1440

    public var enabled: Bool
    /// Rows a `query` result holds at most.
    public var maxRows: Int
    /// An MCP session unused this long is closed.
    public var sessionIdleMinutes: Int
    /// Origins (`https://tools.example.com`) allowed besides the gateway's own public URL, for
    /// browser-based MCP clients; every other `Origin` is refused (DNS-rebinding protection).
    public var allowedOrigins: [String]

    public init(enabled: Bool = false, maxRows: Int = Self.defaultMaxRows, sessionIdleMinutes: Int = Self.defaultSessionIdleMinutes,
                allowedOrigins: [String] = []) {
        self.enabled = enabled
        self.maxRows = maxRows
        self.sessionIdleMinutes = sessionIdleMinutes
        self.allowedOrigins = allowedOrigins
    }
}
