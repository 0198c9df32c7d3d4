import Foundation

extension ConfigurationDecoder {
    private static let mcpKeys = ["enabled", "max_rows", "session_idle_minutes", "allowed_origins"]

    func decodeMCP(_ value: ConfigValue?) throws -> MCPConfiguration {
        guard let value else { return MCPConfiguration() }
        let section = try value.mapping(allowedKeys: Self.mcpKeys)
        var mcp = MCPConfiguration()
        if let enabled = try section.optional("enabled") { mcp.enabled = try enabled.bool() }
        if let rows = try section.optional("max_rows") { mcp.maxRows = try rows.integer(in: MCPConfiguration.maxRowsRange) }
        if let minutes = try section.optional("session_idle_minutes") {
            mcp.sessionIdleMinutes = try minutes.integer(in: MCPConfiguration.sessionIdleMinutesRange)
        }
        if let origins = try section.optional("allowed_origins") {
            mcp.allowedOrigins = try origins.nonEmptyStringList(of: "origin").map { item in
                guard let url = URLComponents(string: item), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil,
                      url.path.isEmpty, url.query == nil else {
                    throw origins.error("'\(item)' is not an origin (scheme://host[:port], no path)")
                }
                return item
            }
        }
        return mcp
    }
}
