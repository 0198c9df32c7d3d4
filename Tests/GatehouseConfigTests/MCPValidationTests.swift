import Testing

@testable import GatehouseConfig

/// The `mcp` section and a PostgreSQL connection's `mcp_writes`.
@Suite struct MCPValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func offAndReadOnlyUnlessSaid() throws {
        let configuration = try fixture.parse(MinimalConfig.text)
        #expect(configuration.mcp == MCPConfiguration())
        #expect(!configuration.mcp.enabled)
        #expect(configuration.connections.map(\.mcpWrites) == [false])
    }

    @Test func everyKeyIsRead() throws {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "    allowed_groups: [engineers]", with: "    allowed_groups: [engineers]\n    mcp_writes: true")
            + "mcp:\n  enabled: true\n  max_rows: 500\n  session_idle_minutes: 5\n  allowed_origins: [\"https://tools.example.com\"]\n"
        let configuration = try fixture.parse(yaml)
        #expect(configuration.mcp == MCPConfiguration(enabled: true, maxRows: 500, sessionIdleMinutes: 5, allowedOrigins: ["https://tools.example.com"]))
        #expect(configuration.connections.map(\.mcpWrites) == [true])
    }

    @Test func valuesOutOfRangeOrNotOriginsAreErrors() {
        // MinimalConfig.text is 12 lines; `mcp:` is line 13, its keys from line 14.
        fixture.expectError(MinimalConfig.text + "mcp:\n  max_rows: 0\n", line: 14, keyPath: "mcp.max_rows", problem: "1")
        fixture.expectError(MinimalConfig.text + "mcp:\n  enabled: yes\n", line: 14, keyPath: "mcp.enabled", problem: "true or false")
        fixture.expectError(MinimalConfig.text + "mcp:\n  allowed_origins: [\"https://tools.example.com/path\"]\n", line: 14,
                            keyPath: "mcp.allowed_origins", problem: "is not an origin")
        fixture.expectError(MinimalConfig.text + "mcp:\n  endpoint: /x\n", line: 14, keyPath: "mcp.endpoint", problem: "unknown key")
    }
}
