import Foundation
import GatehouseCore
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// How the web UI's timeline shows an MCP tool call: its clear fields always, its arguments and
/// error only while the session's key exists.
@Suite struct LedgerBrowserMCPTests {
    let fixture = RecorderFixture()
    static let arguments = #"{"connection":"demo","sql":"SELECT email FROM customers WHERE email = '[EMAIL]'"}"#

    static func calls(_ session: String) -> [GatehouseEvent] {
        let request = MCPActivity(phase: MCPActivity.Phase.request, tool: MCPActivity.Tool.query, mcpSession: "mcp-1",
                                  clientName: "claude-code", clientVersion: "1.0.3", decision: MCPActivity.Decision.allowed,
                                  arguments: arguments)
        let response = MCPActivity(phase: MCPActivity.Phase.response, tool: MCPActivity.Tool.query, mcpSession: "mcp-1",
                                   outcome: MCPActivity.Outcome.ok, postgresSession: "s-pg-1", rows: 12, truncated: true)
        return [request, response].map {
            GatehouseEvent(time: SampleEvents.time, sessionID: session, connection: "demo", principal: SampleEvents.principal, payload: .mcp($0))
        }
    }

    @Test func aToolCallShowsItsDecisionOutcomeAndWhileTheKeyExistsItsArguments() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record(Self.calls("m1"))
        try await recorder.record(Self.calls("m2"))
        _ = try await LedgerErasure(recorder: recorder).erase(sessions: ["m2"], scope: "session", reason: "DSAR-1", requestedBy: "dpo")
        let browser = LedgerBrowser(store: recorder.store, masterKey: fixture.masterKey, verifier: nil)

        let timeline = try #require(try browser.timeline(sessionID: "m1"))
        #expect(timeline.entries.map(\.kind) == ["mcp", "mcp"])
        let request = timeline.entries[0], response = timeline.entries[1]
        #expect(request.headline == "mcp query — allowed")
        #expect(request.sealed && request.readable)
        #expect(request.details.contains(TimelineDetail("arguments", Self.arguments)))
        #expect(request.details.contains(TimelineDetail("client", "claude-code 1.0.3")))
        #expect(response.headline == "mcp query — ok, 12 rows (truncated)")
        #expect(!response.sealed && response.details.contains(TimelineDetail("PostgreSQL session", "s-pg-1")))

        let erased = try #require(try browser.timeline(sessionID: "m2"))
        #expect(erased.entries[0].headline == "mcp query — allowed" && !erased.entries[0].readable)
        #expect(erased.entries[0].details.contains(TimelineDetail("arguments and error", "erased")))
        #expect(!erased.entries[0].details.contains { $0.value == Self.arguments })
    }
}
