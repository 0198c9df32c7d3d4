import Crypto
import Foundation
import GatehouseCore
import Testing
@testable import GatehouseLedger

/// The `mcp` kind: round trips, the arguments and error sealed and the rest clear, strictness
/// (docs/evidence.md, "`mcp`").
@Suite struct LedgerEntryMCPTests {
    static let key = try! DataKey(id: "s-mcp-1", bytes: (0..<32).map { UInt8($0) })
    static let time = Date(timeIntervalSince1970: 1_795_687_200.5)
    static let agent = Principal(subject: "alice@example.com", issuer: "https://idp.example.com", username: "alice",
                                 agentApplication: "claude-code", groups: ["engineers"])
    static let arguments = #"{"connection":"shop","sql":"SELECT * FROM customers WHERE email = 'anna.schmidt@example.com'"}"#

    static let query = MCPActivity(phase: MCPActivity.Phase.request, tool: MCPActivity.Tool.query, mcpSession: "mcp-7f3a",
                                   clientName: "claude-code", clientVersion: "1.0.3", decision: MCPActivity.Decision.allowed,
                                   arguments: arguments, approval: "apr_0123456789abcdef")
    static let answered = MCPActivity(phase: MCPActivity.Phase.response, tool: MCPActivity.Tool.query, mcpSession: "mcp-7f3a",
                                      clientName: "claude-code", clientVersion: "1.0.3", outcome: MCPActivity.Outcome.ok,
                                      postgresSession: "s-mcp-pg-1", rows: 500, truncated: true)
    static let failed = MCPActivity(phase: MCPActivity.Phase.response, tool: MCPActivity.Tool.query, mcpSession: "mcp-7f3a",
                                    outcome: MCPActivity.Outcome.error, postgresSession: "s-mcp-pg-1",
                                    error: "duplicate key value: Key (email)=(anna.schmidt@example.com) already exists")
    static let held = MCPActivity(phase: MCPActivity.Phase.request, tool: MCPActivity.Tool.query, mcpSession: "mcp-7f3a",
                                  decision: MCPActivity.Decision.held, reason: "reads customers.email, which needs approval",
                                  arguments: arguments, approval: "apr_0123456789abcdef")
    static let refused = MCPActivity(phase: MCPActivity.Phase.request, tool: MCPActivity.Tool.unknown, mcpSession: "mcp-7f3a",
                                     decision: MCPActivity.Decision.refused, reason: "no such tool")
    static let listed = MCPActivity(phase: MCPActivity.Phase.response, tool: MCPActivity.Tool.listConnections, mcpSession: "mcp-7f3a",
                                    outcome: MCPActivity.Outcome.ok, rows: 0)

    static func event(_ activity: MCPActivity) -> GatehouseEvent {
        GatehouseEvent(time: time, sessionID: key.id, connection: "shop", principal: agent, payload: .mcp(activity))
    }

    static func text(_ activity: MCPActivity) throws -> String {
        String(decoding: try LedgerEntryCodec.encode(event(activity), sealingWith: key), as: UTF8.self)
    }

    @Test(arguments: [query, answered, failed, held, refused, listed])
    func roundTripsAndReEncodesToTheSameBytes(activity: MCPActivity) throws {
        let event = Self.event(activity)
        let bytes = try LedgerEntryCodec.encode(event, sealingWith: Self.key)
        #expect(try LedgerEntryCodec.decode(bytes, dataKey: Self.key) == .event(event))
        let envelope = try LedgerEntryCodec.decode(bytes)
        #expect(try envelope.canonicalBytes() == bytes)
        #expect(envelope.kind == "mcp")
    }

    @Test func theArgumentsAreSealedAndRestoredWhenOpened() throws {
        let bytes = try LedgerEntryCodec.encode(Self.event(Self.query), sealingWith: Self.key)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("anna.schmidt") && !text.contains("SELECT") && !text.contains(#""arguments""#))
        #expect(text.contains(#""sealed":{"#))
        #expect(text.contains(#""tool":"query""#) && text.contains(#""mcpSession":"mcp-7f3a""#) && text.contains(#""clientName":"claude-code""#))
        guard case .sealedUnavailable(let envelope) = try LedgerEntryCodec.decode(bytes, dataKey: nil),
              case .mcp(let clear) = envelope.payload else {
            Issue.record("the entry should be sealed")
            return
        }
        #expect(clear.activity.arguments == nil && clear.activity.decision == MCPActivity.Decision.allowed)
        guard case .event(let opened) = try LedgerEntryCodec.decode(bytes, dataKey: Self.key), case .mcp(let call) = opened.payload else {
            Issue.record("the entry should open")
            return
        }
        #expect(call.arguments == Self.arguments)
    }

    @Test func theErrorIsSealedItsOutcomeAndSessionsClear() throws {
        let text = try Self.text(Self.failed)
        #expect(!text.contains("anna.schmidt") && !text.contains("duplicate key"))
        #expect(text.contains(#""outcome":"error""#) && text.contains(#""postgresSession":"s-mcp-pg-1""#))
        let answered = try Self.text(Self.answered)
        #expect(answered.contains(#""rows":500"#) && answered.contains(#""truncated":true"#))
        #expect(!answered.contains(#""sealed""#))  // nothing to seal: no box
    }

    @Test func anUndefinedPhaseDecisionOrOutcomeAnEmptyToolOrNegativeRowsAreNotWritten() {
        var phase = Self.query, decision = Self.query, outcome = Self.answered, tool = Self.query, rows = Self.answered
        phase.phase = "stream"
        decision.decision = "perhaps"
        outcome.outcome = "fine"
        tool.tool = ""
        rows.rows = -1
        for activity in [phase, decision, outcome, tool, rows] {
            #expect(throws: LedgerEntryError.self) { try LedgerEntryCodec.encode(Self.event(activity), sealingWith: Self.key) }
        }
    }
}
