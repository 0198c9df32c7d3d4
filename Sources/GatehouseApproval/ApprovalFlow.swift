import Foundation
import GatehouseCore
import GatehousePolicy

/// How an HTTP adapter (Git, Azure Blob, Kubernetes) takes one request its approval trigger has
/// evaluated: break-glass and covering grants decide at once, otherwise the request is recorded,
/// put to the approvers and waited for, and its resolution recorded before the client hears of
/// it. Every step is evidence first; a step that cannot be recorded stops the request.
public struct ApprovalFlow: Sendable {
    public enum Outcome: Sendable {
        /// Go ahead; `approval` (request ID, or `break-glass:<group>`) goes on the adapter's entry.
        case proceed(approval: String?)
        /// Not approved: the request must not reach the upstream. The reason names the request and its page.
        case refused(reason: String, approval: String?)
        /// An approval step could not be recorded (fail closed).
        case notRecorded
    }

    public enum Step: Sendable {
        case decided(Outcome)
        /// An approver must decide: `hold` the request.
        case needsDecision(ApprovalRequest)
    }

    public let broker: ApprovalBroker
    public let approvalURL: @Sendable (String) -> String
    public let notificationKinds: [String]
    public let requester: Principal
    public let connection: String
    public let rules: ApprovalRules
    /// Records an approval step in the request's session, as the requester (nil) or as an approver.
    public let record: @Sendable (EventPayload.Approval, Principal?) async -> Bool

    public init(broker: ApprovalBroker, approvalURL: @escaping @Sendable (String) -> String, notificationKinds: [String], requester: Principal,
                connection: String, rules: ApprovalRules, record: @escaping @Sendable (EventPayload.Approval, Principal?) async -> Bool) {
        self.broker = broker
        self.approvalURL = approvalURL
        self.notificationKinds = notificationKinds
        self.requester = requester
        self.connection = connection
        self.rules = rules
        self.record = record
    }

    /// Decides what needs no approver (and records it); otherwise the request to hold. `text` is
    /// what approvers see and a one-time grant covers; `spendingOneTime` false lets a request that
    /// comes back (a fetch's negotiation rounds, a download's chunks) keep using a one-time grant.
    public func step(_ trigger: ApprovalTriggerOutcome, operation: String, text: String, purpose: Purpose? = nil,
                     spendingOneTime: Bool = true) async -> Step {
        switch trigger {
        case .proceed:
            return .decided(.proceed(approval: nil))
        case .proceedByBreakGlass(let group, let need):
            let id = "break-glass:\(group)"
            let scope = need.scope
            let recorded = await record(.init(step: .breakGlass, requestID: id, statementIDs: [], reasons: need.reasons,
                                              categories: scope.categories, repositories: Self.nonEmpty(scope.repositories),
                                              blobs: Self.nonEmpty(scope.blobs), pods: Self.nonEmpty(scope.pods)), nil)
            return .decided(recorded ? .proceed(approval: id) : .notRecorded)
        case .needsApproval(let need):
            if let grant = broker.coveringGrant(principal: requester, connection: connection, statementText: text, scope: need.scope,
                                                now: Date(), spendingOneTime: spendingOneTime) {
                let recorded = await record(.init(step: .grantUsed, requestID: grant.requestID, statementIDs: [], grant: grant.evidence), nil)
                return .decided(recorded ? .proceed(approval: grant.requestID) : .notRecorded)
            }
            guard !rules.approverGroups.isEmpty else {
                return .decided(.refused(reason: "this \(operation) needs approval (\(need.reasons.joined(separator: "; "))), "
                                         + "but connection \(connection) has no approver groups", approval: nil))
            }
            guard broker.hasRoomForAnotherRequest(from: requester) else {
                return .decided(.refused(reason: broker.tooManyPendingMessage, approval: nil))
            }
            return .needsDecision(ApprovalRequest(requester: requester, connection: connection, statementText: text, maskedStatement: text,
                                                  need: need, purpose: purpose, createdAt: Date(), holdTimeoutSeconds: rules.holdTimeoutSeconds))
        }
    }

    /// `step`, then `hold` when an approver must decide.
    public func decide(_ trigger: ApprovalTriggerOutcome, operation: String, text: String, purpose: Purpose? = nil,
                       spendingOneTime: Bool = true, announce: @Sendable (ApprovalRequest) async -> Void = { _ in }) async -> Outcome {
        switch await step(trigger, operation: operation, text: text, purpose: purpose, spendingOneTime: spendingOneTime) {
        case .decided(let outcome): return outcome
        case .needsDecision(let request): return await hold(request, spendingOneTime: spendingOneTime, announce: announce)
        }
    }

    /// Records the request, tells the client (`announce`), waits for the resolution and records it.
    public func hold(_ request: ApprovalRequest, spendingOneTime: Bool = true,
                     announce: @Sendable (ApprovalRequest) async -> Void = { _ in }) async -> Outcome {
        guard await recordRequested(request) else { return .notRecorded }
        await announce(request)
        HeldRequestObserver.observe?(request.id, approvalURL(request.id))
        return await decision(on: request, spendingOneTime: spendingOneTime)
    }

    /// The `requested` step: nobody may decide a request before it is evidence.
    public func recordRequested(_ request: ApprovalRequest) async -> Bool {
        let scope = request.scope
        return await record(.init(step: .requested, requestID: request.id, statementIDs: [], reasons: request.reasons,
                                  categories: request.categories, purpose: request.purpose?.text, statement: request.maskedStatement,
                                  repositories: Self.nonEmpty(scope.repositories), blobs: Self.nonEmpty(scope.blobs),
                                  pods: Self.nonEmpty(scope.pods)), nil)
    }

    /// Puts a recorded request to the approvers and waits for its resolution. Cancelling the
    /// task (the client went away) cancels the request.
    public func decision(on request: ApprovalRequest, spendingOneTime: Bool = true) async -> Outcome {
        let record = record, kinds = notificationKinds
        let resolution = await broker.resolution(of: request) {
            guard !kinds.isEmpty else { return }
            // Submitting handed the request to the notification targets (failures are logged there).
            Task { _ = await record(.init(step: .notified, requestID: request.id, statementIDs: [], notified: kinds), nil) }
        }
        return await resolved(resolution, request, spendingOneTime: spendingOneTime)
    }

    /// Records how a request was resolved, before the client hears of it, and what that means.
    public func resolved(_ resolution: ApprovalResolution, _ request: ApprovalRequest, spendingOneTime: Bool = true) async -> Outcome {
        let url = approvalURL(request.id)
        switch resolution {
        case .approved(let grant):
            for decision in broker.request(request.id)?.decisions.filter(\.approved) ?? [] {
                let approved = EventPayload.Approval(step: .approved, requestID: request.id, statementIDs: [], grant: grant.evidence,
                                                     comment: decision.reason)
                guard await record(approved, decision.approver) else { return .notRecorded }
            }
            // The held request uses its own grant now (a one-time grant stays for the rest of a
            // fetch's negotiation or a download's chunks when this request does not spend it).
            let used = broker.coveringGrant(principal: requester, connection: connection, statementText: request.statementText,
                                            scope: request.scope, now: Date(), spendingOneTime: spendingOneTime) ?? grant
            guard await record(.init(step: .grantUsed, requestID: request.id, statementIDs: [], grant: used.evidence), nil)
            else { return .notRecorded }
            return .proceed(approval: request.id)
        case .denied(let decision):
            // A refusal needs no permission: a failed record is logged, the client refused either way.
            _ = await record(.init(step: .denied, requestID: request.id, statementIDs: [], comment: decision.reason), decision.approver)
            let who = decision.approver.username ?? decision.approver.subject
            return .refused(reason: "approval request \(request.id) was denied by \(who)" + (decision.reason.map { ": \($0)" } ?? "")
                            + " (see \(url))", approval: request.id)
        case .expired:
            _ = await record(.init(step: .expired, requestID: request.id, statementIDs: []), nil)
            return .refused(reason: "approval request \(request.id) was not decided within \(rules.holdTimeoutSeconds) s; "
                            + "ask an approver to decide at \(url), or for a time-boxed grant, then try again", approval: request.id)
        case .cancelled:
            _ = await record(.init(step: .cancelled, requestID: request.id, statementIDs: []), nil)
            return .refused(reason: "approval request \(request.id) was cancelled (see \(url))", approval: request.id)
        }
    }

    static func nonEmpty(_ values: [String]) -> [String]? {
        values.isEmpty ? nil : values
    }
}
