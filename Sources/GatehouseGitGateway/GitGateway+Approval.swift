import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy

/// Just-in-time approval for Git (docs/git.md): a fetch from, or push to, a repository classified
/// as holding personal data (or a push whose scan found identifiers, under `scan: hold`) waits in
/// this HTTP request until an approver decides, on the same broker, API, UI and grants as held
/// PostgreSQL statements. Every step is recorded in the request's session before it takes effect.
extension GitGateway {
    enum ApprovalOutcome {
        /// Go ahead; `approval` (request ID, or `break-glass:<group>`) goes on the `git` entry.
        case proceed(approval: String?)
        /// Not approved: the request must not reach the upstream. `approval` names the request.
        case refused(reason: String, approval: String?)
        /// An approval step could not be recorded (fail closed).
        case notRecorded
    }

    enum ApprovalStep {
        case decided(ApprovalOutcome)
        /// An approver must decide: `hold` the request.
        case needsDecision(ApprovalRequest)
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
        let repository = call.path.repository
        switch call.connection.approval.evaluate(repository: repository, operation: operation, extraReasons: extraReasons,
                                                 by: call.principal) {
        case .proceed:
            return .decided(.proceed(approval: nil))
        case .proceedByBreakGlass(let group, let need):
            let id = "break-glass:\(group)"
            let recorded = await record([.approval(.init(step: .breakGlass, requestID: id, statementIDs: [], reasons: need.reasons,
                                                         categories: need.scope.categories, repositories: need.scope.repositories))], call)
            return .decided(recorded ? .proceed(approval: id) : .notRecorded)
        case .needsApproval(let need):
            if let grant = approvals.coveringGrant(principal: call.principal, connection: call.connection.name,
                                                   statementText: requestText, scope: need.scope, now: Date(),
                                                   spendingOneTime: endsRequest) {
                let recorded = await record([.approval(.init(step: .grantUsed, requestID: grant.requestID, statementIDs: [],
                                                             grant: grant.evidence))], call)
                return .decided(recorded ? .proceed(approval: grant.requestID) : .notRecorded)
            }
            guard !call.connection.approval.rules.approverGroups.isEmpty else {
                return .decided(.refused(reason: "this \(operation.rawValue) needs approval (\(need.reasons.joined(separator: "; "))), but connection \(call.connection.name) has no approver groups",
                                         approval: nil))
            }
            guard approvals.hasRoomForAnotherRequest(from: call.principal) else {
                return .decided(.refused(reason: approvals.tooManyPendingMessage, approval: nil))
            }
            return .needsDecision(ApprovalRequest(
                requester: call.principal, connection: call.connection.name, statementText: requestText, maskedStatement: requestText,
                need: need, purpose: call.purpose, createdAt: Date(), holdTimeoutSeconds: call.connection.approval.rules.holdTimeoutSeconds))
        }
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
        let requested = EventPayload.approval(.init(
            step: .requested, requestID: request.id, statementIDs: [], reasons: request.reasons, categories: request.categories,
            purpose: request.purpose?.text, statement: request.maskedStatement, repositories: request.repositories))
        guard await record([requested], call) else { return false }
        call.logger.info("git request held for approval", metadata: ["request": "\(request.id)", "connection": "\(call.connection.name)"])
        return true
    }

    /// Puts a recorded request to the approvers and waits for its resolution. Cancelling the
    /// task (the client went away) cancels the request.
    func decision(on request: ApprovalRequest, endsRequest: Bool, _ call: Call) async -> ApprovalOutcome {
        let gateway = self
        let resolution = await approvals.resolution(of: request) {
            guard !gateway.notificationKinds.isEmpty else { return }
            // Submitting handed the request to the notification targets (failures are logged there).
            Task {
                _ = await gateway.record([.approval(.init(step: .notified, requestID: request.id, statementIDs: [],
                                                          notified: gateway.notificationKinds))], call)
            }
        }
        return await resolved(resolution, request, endsRequest: endsRequest, call)
    }

    /// Records how a request was resolved, before the client hears of it, and what that means
    /// for the request.
    func resolved(_ resolution: ApprovalResolution, _ request: ApprovalRequest, endsRequest: Bool,
                          _ call: Call) async -> ApprovalOutcome {
        let url = approvalURL(request.id)
        switch resolution {
        case .approved(let grant):
            let decisions = approvals.request(request.id)?.decisions.filter(\.approved) ?? []
            for decision in decisions {
                let approved = EventPayload.approval(.init(step: .approved, requestID: request.id, statementIDs: [],
                                                           grant: grant.evidence, comment: decision.reason))
                guard await record([approved], call, as: decision.approver) else { return .notRecorded }
            }
            // The held request uses its own grant now (a one-time grant stays for the rest of
            // the fetch's negotiation when this round does not end it).
            let used = approvals.coveringGrant(principal: call.principal, connection: call.connection.name,
                                               statementText: request.statementText, scope: request.scope, now: Date(),
                                               spendingOneTime: endsRequest) ?? grant
            guard await record([.approval(.init(step: .grantUsed, requestID: request.id, statementIDs: [], grant: used.evidence))], call)
            else { return .notRecorded }
            return .proceed(approval: request.id)
        case .denied(let decision):
            // A refusal needs no permission: a failed record is logged, the client refused either way.
            _ = await record([.approval(.init(step: .denied, requestID: request.id, statementIDs: [], comment: decision.reason))],
                             call, as: decision.approver)
            let who = decision.approver.username ?? decision.approver.subject
            return .refused(reason: "approval request \(request.id) was denied by \(who)" + (decision.reason.map { ": \($0)" } ?? "")
                                + " (see \(url))", approval: request.id)
        case .expired:
            _ = await record([.approval(.init(step: .expired, requestID: request.id, statementIDs: []))], call)
            return .refused(reason: "approval request \(request.id) was not decided within \(call.connection.approval.rules.holdTimeoutSeconds) s; ask an approver to decide at \(url), or for a time-boxed grant, then try again",
                            approval: request.id)
        case .cancelled:
            _ = await record([.approval(.init(step: .cancelled, requestID: request.id, statementIDs: []))], call)
            return .refused(reason: "approval request \(request.id) was cancelled", approval: request.id)
        }
    }
}
