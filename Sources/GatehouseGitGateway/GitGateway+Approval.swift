import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy

/// Just-in-time approval for Git (docs/git.md): a fetch from, or push to, a repository classified
/// as holding personal data (or a push whose scan found identifiers, under `scan: hold`) waits in
/// this HTTP request until an approver decides, on the same broker, API, UI and grants as held
/// PostgreSQL statements. Every step is recorded in the request's session before it takes effect.
extension GitGateway {
    typealias ApprovalOutcome = ApprovalFlow.Outcome
    typealias ApprovalStep = ApprovalFlow.Step

    /// The shared flow for this request: steps recorded in its session, as the requester or an approver.
    func approvalFlow(_ call: Call) -> ApprovalFlow {
        let gateway = self
        return ApprovalFlow(broker: approvals, approvalURL: approvalURL, notificationKinds: notificationKinds, requester: call.principal,
                            connection: call.connection.name, rules: call.connection.approval.rules) { step, approver in
            await gateway.record([.approval(step)], call, as: approver)
        }
    }

    /// Decides, and if need be waits for, approval of one fetch or push. `requestText` describes
    /// the request (repository, wants or ref updates, never content): approvers see it and a
    /// one-time grant covers exactly it. `endsRequest` is false for a fetch's negotiation round
    /// that does not end it (no `done`): a one-time grant then covers the round without being spent.
    func approve(_ operation: GitOperation, requestText: String, extraReasons: [String] = [], endsRequest: Bool = true,
                 _ call: Call) async -> ApprovalOutcome {
        switch await approvalStep(operation, requestText: requestText, extraReasons: extraReasons, endsRequest: endsRequest, call) {
        case .decided(let outcome): outcome
        case .needsDecision(let request): await hold(request, endsRequest: endsRequest, call)
        }
    }

    /// `approve` up to the hold: what needs no approver is decided (and recorded) here.
    func approvalStep(_ operation: GitOperation, requestText: String, extraReasons: [String] = [], endsRequest: Bool = true,
                      _ call: Call) async -> ApprovalStep {
        let trigger = call.connection.approval.evaluate(repository: call.path.repository, operation: operation, extraReasons: extraReasons,
                                                        by: call.principal)
        return await approvalFlow(call).step(trigger, operation: operation.rawValue, text: requestText, purpose: call.purpose,
                                             spendingOneTime: endsRequest)
    }

    /// What the client is told while its request waits: which request holds it, for how long
    /// at most, and where an approver decides.
    func heldMessage(_ request: ApprovalRequest, _ operation: GitOperation, _ call: Call) -> String {
        "gatehouse: approval request \(request.id) holds this \(operation.rawValue) until an approver decides (at most \(call.connection.approval.rules.holdTimeoutSeconds) s)\n"
            + "gatehouse: an approver decides at \(approvalURL(request.id))"
    }

    /// Records the request (evidence before anyone can decide it), waits for its resolution,
    /// and records that before the client hears of it.
    func hold(_ request: ApprovalRequest, endsRequest: Bool, _ call: Call) async -> ApprovalOutcome {
        guard await recordRequested(request, call) else { return .notRecorded }
        return await decision(on: request, endsRequest: endsRequest, call)
    }

    /// The `requested` step: nobody may decide a request before it is evidence.
    func recordRequested(_ request: ApprovalRequest, _ call: Call) async -> Bool {
        guard await approvalFlow(call).recordRequested(request) else { return false }
        call.logger.info("git request held for approval", metadata: ["request": "\(request.id)", "connection": "\(call.connection.name)"])
        return true
    }

    /// Puts a recorded request to the approvers and waits for its resolution. Cancelling the
    /// task (the client went away) cancels the request.
    func decision(on request: ApprovalRequest, endsRequest: Bool, _ call: Call) async -> ApprovalOutcome {
        await approvalFlow(call).decision(on: request, spendingOneTime: endsRequest)
    }

    /// Records how a request was resolved, before the client hears of it, and what that means
    /// for the request.
    func resolved(_ resolution: ApprovalResolution, _ request: ApprovalRequest, endsRequest: Bool, _ call: Call) async -> ApprovalOutcome {
        await approvalFlow(call).resolved(resolution, request, spendingOneTime: endsRequest)
    }
}
