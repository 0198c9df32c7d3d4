import Foundation
import GatehouseCore
import Prometheus

/// The gateway's Prometheus metrics (`GET /metrics`, docs/deployment.md "Metrics"), counted from
/// the events the gateway records: everything it authenticates, forwards, refuses, holds, masks
/// and approves is an event first, so the ledger and the metrics cannot disagree.
///
/// No label ever holds a value an agent chose or personal data: connections are the configured
/// names (anything else is `unknown`), protocols, decisions, steps and results come from fixed
/// sets, and identifier kinds are the detectors' and categories' names.
public final class GatewayMetrics: @unchecked Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// Configured connection name to its protocol (`postgres`, `git`, `azure-blob`, `kubernetes`).
    private let protocols: [String: String]
    private let lock = NSLock()
    /// When each pending request was made, for the decision latency (bounded).
    private var requestedAt: [String: Date] = [:]
    private static let requestedLimit = 10_000

    private let appendSeconds: DurationHistogram
    private let appendFailures: Counter
    private let decisionSeconds: DurationHistogram
    private let checkpointAge: Gauge

    public init(connections: [String: String]) {
        protocols = connections
        appendSeconds = registry.makeDurationHistogram(
            name: "gatehouse_ledger_append_seconds",
            buckets: [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                      .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1)],
            help: "Time from handing events to the ledger to their durable commit (the write-ahead wait before forwarding)")
        appendFailures = registry.makeCounter(name: "gatehouse_ledger_append_failures_total",
                                              help: "Appends the ledger refused (the actions they recorded did not happen)")
        decisionSeconds = registry.makeDurationHistogram(
            name: "gatehouse_approval_decision_seconds",
            buckets: [.seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(900),
                      .seconds(3600)],
            help: "Time from an approval request to its decision (approved or denied) on the instance holding it")
        checkpointAge = registry.makeGauge(name: "gatehouse_ledger_checkpoint_age_seconds",
                                           help: "Seconds since the latest signed checkpoint (-1 when there is none)")
    }

    /// The registry in the Prometheus text format, with the checkpoint age as of now.
    public func render(latestCheckpoint: Date?, now: Date = Date()) -> [UInt8] {
        checkpointAge.set(latestCheckpoint.map { max(0, now.timeIntervalSince($0)) } ?? -1)
        return registry.emitToBuffer()
    }

    /// One append to the ledger: how long it took, and whether it committed.
    func appended(_ events: [GatehouseEvent], after duration: Duration, committed: Bool) {
        guard committed else {
            appendFailures.increment()
            return
        }
        appendSeconds.record(duration)
        counter("gatehouse_ledger_events_total", "Events committed to the ledger").increment(by: Int64(events.count))
        for event in events { observe(event) }
    }

    // MARK: - Events

    private func observe(_ event: GatehouseEvent) {
        let connection = event.connection.flatMap { protocols[$0] == nil ? nil : $0 }
        let kind = connection.flatMap { protocols[$0] } ?? "unknown"
        let name = connection ?? "unknown"
        switch event.payload {
        case .authentication(let authentication):
            let result = authentication.accepted ? "accepted" : "refused"
            counter("gatehouse_authentications_total", "Sign-ins to a connection, and refusals",
                    [("connection", name), ("protocol", kind), ("result", result)]).increment()
            if authentication.accepted, kind == "postgres" {
                gauge("gatehouse_postgres_sessions_active", "PostgreSQL client sessions open", [("connection", name)]).increment()
            }
            if !authentication.accepted { refusal(kind, "authentication") }
        case .sessionEnd:
            if kind == "postgres" {
                gauge("gatehouse_postgres_sessions_active", "PostgreSQL client sessions open", [("connection", name)]).decrement()
            }
        case .outcome(let outcome):
            counter("gatehouse_statements_total", "PostgreSQL statements by result: completed, failed (upstream error), not_executed",
                    [("connection", name), ("result", outcome.status.rawValue)]).increment()
            if outcome.status == .failed {
                counter("gatehouse_upstream_errors_total", "Errors answered by an upstream", [("connection", name), ("protocol", kind)]).increment()
            }
            masked(outcome.maskedValues, subjects: outcome.subjects, protocol: kind)
        case .git(let git):
            request(kind, name, decision: git.decision)
        case .blob(let blob):
            if blob.phase == RequestEventPhase.request { request(kind, name, decision: blob.decision) }
            response(kind, name, status: blob.status, masked: blob.maskedValues, subjects: blob.subjects)
        case .kubernetes(let kube):
            if kube.phase == RequestEventPhase.request { request(kind, name, decision: kube.decision) }
            response(kind, name, status: kube.status, masked: kube.maskedValues, subjects: kube.subjects)
        case .mcp(let call):
            toolCall(call, connection: name)
        case .approval(let approval):
            counter("gatehouse_approval_steps_total", "Approval steps: requested, approved, denied, expired, cancelled, grant_used, ...",
                    [("connection", name), ("protocol", kind), ("step", approval.step.rawValue)]).increment()
            decisionTiming(approval, at: event.time)
            if approval.step == .denied || approval.step == .expired { refusal(kind, "approval_\(approval.step.rawValue)") }
        case .statement, .erasure, .configuration, .classification:
            break
        }
    }

    private func request(_ kind: String, _ connection: String, decision: String?) {
        guard let decision else { return }
        let known = RequestEventDecision.all.contains(decision) ? decision : "other"
        counter("gatehouse_requests_total", "Git, Blob, Kubernetes and MCP requests by decision: allowed, refused, held",
                [("connection", connection), ("decision", known), ("protocol", kind)]).increment()
        if known == RequestEventDecision.refused { refusal(kind, "policy") }
    }

    /// An MCP call counts as a request of protocol `mcp` (whatever its connection's protocol: the
    /// agent came through the endpoint), and by tool. Masked values and upstream errors are not
    /// counted here: the statement it ran counts them in its own PostgreSQL session.
    private func toolCall(_ call: MCPActivity, connection: String) {
        let tool = MCPActivity.Tool.all.contains(call.tool) ? call.tool : MCPActivity.Tool.unknown
        if call.phase == MCPActivity.Phase.request, let decision = call.decision {
            request("mcp", connection, decision: decision)
            let known = MCPActivity.Decision.all.contains(decision) ? decision : "other"
            counter("gatehouse_mcp_tool_calls_total", "MCP tool calls by tool and decision: allowed, refused, held",
                    [("decision", known), ("tool", tool)]).increment()
        }
        if call.phase == MCPActivity.Phase.response, let outcome = call.outcome {
            let known = MCPActivity.Outcome.all.contains(outcome) ? outcome : "other"
            counter("gatehouse_mcp_tool_results_total", "MCP tool calls answered, by tool and outcome: ok, error, held, denied",
                    [("outcome", known), ("tool", tool)]).increment()
        }
    }

    private func response(_ kind: String, _ connection: String, status: Int?, masked values: Int?, subjects: [SubjectReference]?) {
        if let status, status >= 500 {
            counter("gatehouse_upstream_errors_total", "Errors answered by an upstream", [("connection", connection), ("protocol", kind)]).increment()
        }
        masked(values, subjects: subjects, protocol: kind)
    }

    private func masked(_ values: Int?, subjects: [SubjectReference]?, protocol kind: String) {
        if let values, values > 0 {
            counter("gatehouse_masked_values_total", "Identifiers masked in what clients got", [("protocol", kind)]).increment(by: Int64(values))
        }
        for subject in subjects ?? [] where Self.isName(subject.kind) {
            counter("gatehouse_masked_subjects_total", "People named in responses (distinct per response), by identifier kind or category",
                    [("kind", subject.kind)]).increment()
        }
    }

    private func refusal(_ kind: String, _ reason: String) {
        counter("gatehouse_refusals_total", "Requests and statements refused, by reason", [("protocol", kind), ("reason", reason)]).increment()
    }

    private func decisionTiming(_ approval: EventPayload.Approval, at time: Date) {
        let started: Date? = lock.withLock {
            switch approval.step {
            case .requested:
                if requestedAt.count >= Self.requestedLimit { requestedAt.removeAll() }
                requestedAt[approval.requestID] = time
                return nil
            case .approved, .denied:
                return requestedAt.removeValue(forKey: approval.requestID)
            case .expired, .cancelled:
                requestedAt.removeValue(forKey: approval.requestID)
                return nil
            case .notified, .grantUsed, .breakGlass:
                return nil
            }
        }
        if let started { decisionSeconds.record(.milliseconds(Int64(max(0, time.timeIntervalSince(started)) * 1000))) }
    }

    // MARK: - Handles

    /// `labels` in the order the name's every use gives them (by key), so no call sorts them.
    private func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
        registry.makeCounter(name: name, labels: labels, help: help)
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(name: name, labels: labels, help: help)
    }

    /// Kinds are detector and category names; anything else (it never should be) is not a label.
    private static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789-_.:".unicodeScalars.contains($0)) }
    }
}

/// Records through `base` and counts what was committed in `metrics`: every recorder the
/// gateway uses passes through it.
public struct MetricsRecorder: EventRecorder {
    public let base: any EventRecorder
    public let metrics: GatewayMetrics

    public init(base: any EventRecorder, metrics: GatewayMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public func record(_ events: [GatehouseEvent], completion: @escaping @Sendable (Result<[Int64], Error>) -> Void) {
        let started = ContinuousClock.now
        let metrics = metrics
        base.record(events) { result in
            if case .success = result {
                metrics.appended(events, after: ContinuousClock.now - started, committed: true)
            } else {
                metrics.appended(events, after: ContinuousClock.now - started, committed: false)
            }
            completion(result)
        }
    }
}
