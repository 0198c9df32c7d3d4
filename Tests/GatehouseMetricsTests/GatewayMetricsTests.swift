import Foundation
import GatehouseCore
import Testing

@testable import GatehouseMetrics

/// What agents send never becomes a label, and the counts follow the committed events.
@Suite struct GatewayMetricsTests {
    let metrics = GatewayMetrics(connections: ["shop": "postgres"])

    func text() -> String { String(decoding: metrics.render(latestCheckpoint: nil), as: UTF8.self) }

    func event(_ connection: String?, _ payload: EventPayload, at time: Date = Date()) -> GatehouseEvent {
        GatehouseEvent(time: time, sessionID: "s", connection: connection, principal: nil, payload: payload)
    }

    @Test func aConnectionNameTheAgentChoseIsCountedAsUnknown() {
        let refused = EventPayload.authentication(.init(accepted: false, reason: "bad token", clientAddress: "10.0.0.1", clientApplication: "psql"))
        metrics.appended([event("ann@example.com", refused)], after: .milliseconds(1), committed: true)
        let output = text()
        #expect(output.contains(#"gatehouse_authentications_total{connection="unknown",protocol="unknown",result="refused"} 1"#))
        #expect(!output.contains("ann@example.com") && !output.contains("10.0.0.1") && !output.contains("bad token"))
    }

    @Test func subjectKindsThatAreNotNamesAreNotLabels() {
        var outcome = EventPayload.Outcome(statementID: 1, status: .completed, commandTag: "SELECT 2", rows: 2, errorCode: nil,
                                           durationMicroseconds: 10)
        outcome.maskedValues = 3
        outcome.subjects = [SubjectReference(kind: "email", digest: "ab"), SubjectReference(kind: "x\"} 1\nevil", digest: "cd")]
        metrics.appended([event("shop", .outcome(outcome))], after: .milliseconds(1), committed: true)
        let output = text()
        #expect(output.contains(#"gatehouse_masked_values_total{protocol="postgres"} 3"#))
        #expect(output.contains(#"gatehouse_masked_subjects_total{kind="email"} 1"#))
        #expect(!output.contains("evil"))
    }

    @Test func aRefusedAppendCountsAsAFailureAndNothingElse() {
        let accepted = EventPayload.authentication(.init(accepted: true, reason: nil, clientAddress: nil, clientApplication: nil))
        metrics.appended([event("shop", accepted)], after: .milliseconds(1), committed: false)
        let output = text()
        #expect(output.contains("gatehouse_ledger_append_failures_total 1"))
        #expect(!output.contains("gatehouse_authentications_total{"))
    }

    @Test func decisionLatencyRunsFromTheRequestToTheDecision() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let requested = EventPayload.approval(.init(step: .requested, requestID: "apr_1", statementIDs: []))
        let approved = EventPayload.approval(.init(step: .approved, requestID: "apr_1", statementIDs: []))
        metrics.appended([event("shop", requested, at: start)], after: .milliseconds(1), committed: true)
        metrics.appended([event("shop", approved, at: start.addingTimeInterval(12))], after: .milliseconds(1), committed: true)
        let output = text()
        #expect(output.contains("gatehouse_approval_decision_seconds_count 1"))
        #expect(output.contains("gatehouse_approval_decision_seconds_sum 12"))
        #expect(output.contains(#"gatehouse_approval_decision_seconds_bucket{le="5.0"} 0"#))
        #expect(output.contains(#"gatehouse_approval_decision_seconds_bucket{le="15.0"} 1"#))
    }

    @Test func mcpCallsCountByToolDecisionAndOutcomeAndAnUnknownToolIsNoLabel() {
        let allowed = MCPActivity(phase: MCPActivity.Phase.request, tool: MCPActivity.Tool.query, mcpSession: "m",
                                  decision: MCPActivity.Decision.allowed, arguments: #"{"sql":"SELECT 'ann@example.com'"}"#)
        let answered = MCPActivity(phase: MCPActivity.Phase.response, tool: MCPActivity.Tool.query, mcpSession: "m",
                                   outcome: MCPActivity.Outcome.ok, rows: 3)
        let madeUp = MCPActivity(phase: MCPActivity.Phase.request, tool: "drop_everything\"} 1", mcpSession: "m",
                                 decision: MCPActivity.Decision.refused, reason: "no such tool")
        metrics.appended([allowed, answered, madeUp].map { event("shop", .mcp($0)) }, after: .milliseconds(1), committed: true)
        let output = text()
        #expect(output.contains(#"gatehouse_mcp_tool_calls_total{decision="allowed",tool="query"} 1"#))
        #expect(output.contains(#"gatehouse_mcp_tool_calls_total{decision="refused",tool="unknown"} 1"#))
        #expect(output.contains(#"gatehouse_mcp_tool_results_total{outcome="ok",tool="query"} 1"#))
        #expect(output.contains(#"gatehouse_requests_total{connection="shop",decision="allowed",protocol="mcp"} 1"#))
        #expect(output.contains(#"gatehouse_refusals_total{protocol="mcp",reason="policy"} 1"#))
        #expect(!output.contains("drop_everything") && !output.contains("ann@example.com"))
    }
}
