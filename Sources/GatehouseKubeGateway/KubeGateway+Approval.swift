import Foundation
import GatehouseApproval
import GatehouseCore
import GatehouseKubernetes
import GatehousePolicy

/// Just-in-time approval for Kubernetes (docs/kubernetes.md): exec and logs on a classified pod
/// wait until an approver decides, on the same broker, API, UI and grants as held statements,
/// Git and Blob requests. Every step is recorded in the request's session before it takes
/// effect. Approvers see the operation, the pod, the command (masked) and the categories.
extension KubeGateway {
    enum ApprovalOutcome {
        /// Go ahead; `approval` (request ID, or `break-glass:<group>`) goes on the request entry.
        case proceed(approval: String?)
        /// Not approved: nothing is forwarded. The reason names the request and its page.
        case refused(reason: String)
        /// An approval step could not be recorded (fail closed).
        case notRecorded
    }

    /// The operations that can be held: they show what runs in a pod or what it logged.
    static let heldOperations: Set<KubeOperation> = [.exec, .attach, .logs]

    func podPath(_ call: Call) -> String {
        "\(call.request.namespace ?? "")/\(call.request.pod ?? "")"
    }

    /// What approvers see and a one-time grant covers: operation, pod, container and command,
    /// through the detectors (a command line may name someone).
    func approvalText(_ call: Call) -> String {
        var text = "\(call.request.operation.rawValue) \(podPath(call))"
        if let container = call.request.exec?.container ?? call.request.log?.container { text += " -c \(container)" }
        if let exec = call.request.exec { text += " -- " + exec.displayedCommand }
        return engine.mask(text).text
    }

    /// `announce` is told, before the wait, which request holds this one and where it is decided.
    func approve(_ call: Call, announce: @Sendable (String) async -> Void = { _ in }) async -> ApprovalOutcome {
        guard Self.heldOperations.contains(call.request.operation), let namespace = call.request.namespace,
              let pod = call.request.pod else { return .proceed(approval: nil) }
        let categories = call.connection.classification.categories(namespace: namespace, pod: pod, podLabels: nil)
        let text = approvalText(call)
        switch call.connection.approval.evaluate(pod: podPath(call), operation: call.request.operation.rawValue, categories: categories,
                                                 by: call.principal) {
        case .proceed:
            return .proceed(approval: nil)
        case .proceedByBreakGlass(let group, let need):
            let id = "break-glass:\(group)"
            let recorded = await record(.approval(.init(step: .breakGlass, requestID: id, statementIDs: [], reasons: need.reasons,
                                                        categories: need.scope.categories, pods: need.scope.pods)), call)
            return recorded ? .proceed(approval: id) : .notRecorded
        case .needsApproval(let need):
            if let grant = approvals.coveringGrant(principal: call.principal, connection: call.connection.name, statementText: text,
                                                   scope: need.scope, now: Date(), spendingOneTime: true) {
                let recorded = await record(.approval(.init(step: .grantUsed, requestID: grant.requestID, statementIDs: [],
                                                            grant: grant.evidence)), call)
                return recorded ? .proceed(approval: grant.requestID) : .notRecorded
            }
            let rules = call.connection.approval.rules
            guard !rules.approverGroups.isEmpty else {
                return .refused(reason: "this \(call.request.operation.rawValue) needs approval (\(need.reasons.joined(separator: "; "))), "
                                + "but connection \(call.connection.name) has no approver groups")
            }
            guard approvals.hasRoomForAnotherRequest(from: call.principal) else { return .refused(reason: approvals.tooManyPendingMessage) }
            let request = ApprovalRequest(requester: call.principal, connection: call.connection.name, statementText: text,
                                          maskedStatement: text, need: need, purpose: nil, createdAt: Date(),
                                          holdTimeoutSeconds: rules.holdTimeoutSeconds)
            return await hold(request, call, announce: announce)
        }
    }

    /// Records the request, puts it to the approvers, waits, and records the resolution before
    /// the client hears of it.
    func hold(_ request: ApprovalRequest, _ call: Call, announce: @Sendable (String) async -> Void) async -> ApprovalOutcome {
        let requested = EventPayload.approval(.init(step: .requested, requestID: request.id, statementIDs: [], reasons: request.reasons,
                                                    categories: request.categories, statement: request.maskedStatement, pods: request.pods))
        guard await record(requested, call) else { return .notRecorded }
        let url = approvalURL(request.id)
        call.logger.info("kubernetes request held for approval", metadata: ["request": "\(request.id)", "connection": "\(call.connection.name)"])
        await announce("gatehouse: \(request.pods.joined(separator: ", ")) holds personal data: this \(call.request.operation.rawValue) waits "
                       + "for an approver (request \(request.id), up to \(call.connection.approval.rules.holdTimeoutSeconds) s); it is decided at \(url)\n")
        let gateway = self
        let resolution = await approvals.resolution(of: request) {
            guard !gateway.notificationKinds.isEmpty else { return }
            Task {
                _ = await gateway.record(.approval(.init(step: .notified, requestID: request.id, statementIDs: [],
                                                         notified: gateway.notificationKinds)), call)
            }
        }
        switch resolution {
        case .approved(let grant):
            for decision in approvals.request(request.id)?.decisions.filter(\.approved) ?? [] {
                let approved = EventPayload.approval(.init(step: .approved, requestID: request.id, statementIDs: [],
                                                           grant: grant.evidence, comment: decision.reason))
                guard await record(approved, sessionID: call.sessionID, connection: call.connection.name, principal: decision.approver,
                                   logger: call.logger) else { return .notRecorded }
            }
            let used = approvals.coveringGrant(principal: call.principal, connection: call.connection.name, statementText: request.statementText,
                                               scope: request.scope, now: Date(), spendingOneTime: true) ?? grant
            guard await record(.approval(.init(step: .grantUsed, requestID: request.id, statementIDs: [], grant: used.evidence)), call)
            else { return .notRecorded }
            return .proceed(approval: request.id)
        case .denied(let decision):
            _ = await record(.approval(.init(step: .denied, requestID: request.id, statementIDs: [], comment: decision.reason)),
                             sessionID: call.sessionID, connection: call.connection.name, principal: decision.approver, logger: call.logger)
            let who = decision.approver.username ?? decision.approver.subject
            return .refused(reason: "approval request \(request.id) was denied by \(who)" + (decision.reason.map { ": \($0)" } ?? "")
                            + " (see \(url))")
        case .expired:
            _ = await record(.approval(.init(step: .expired, requestID: request.id, statementIDs: [])), call)
            return .refused(reason: "approval request \(request.id) was not decided within \(call.connection.approval.rules.holdTimeoutSeconds) s; "
                            + "ask an approver to decide at \(url), or for a time-boxed grant, then try again")
        case .cancelled:
            _ = await record(.approval(.init(step: .cancelled, requestID: request.id, statementIDs: [])), call)
            return .refused(reason: "approval request \(request.id) was cancelled (see \(url))")
        }
    }

    /// The rules, then approval, then the request-phase record: what every forwarded request goes
    /// through. nil: go ahead (recorded); otherwise the Status to answer with.
    func admit(_ call: Call, announce: @Sendable (String) async -> Void = { _ in }) async -> KubeStatus? {
        if let refusal = refusal(call) {
            let recorded = await record(requestActivity(call, decision: KubeActivity.Decision.refused, reason: refusal), call)
            return recorded ? .forbidden(refusal) : Self.notRecorded
        }
        switch await approve(call, announce: announce) {
        case .notRecorded:
            return Self.notRecorded
        case .refused(let reason):
            let recorded = await record(requestActivity(call, decision: KubeActivity.Decision.refused, reason: reason), call)
            return recorded ? .forbidden(reason) : Self.notRecorded
        case .proceed(let approval):
            var activity = requestActivity(call, decision: KubeActivity.Decision.allowed)
            activity.approval = approval
            return await record(activity, call) ? nil : Self.notRecorded
        }
    }
}
