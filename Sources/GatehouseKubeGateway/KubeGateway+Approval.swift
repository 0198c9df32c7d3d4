import Foundation
import GatehouseApproval
import GatehouseCore
import GatehouseKubernetes
import GatehousePolicy
import GatehouseHTTPProxy
import HTTPTypes
import NIOCore

/// Just-in-time approval for Kubernetes (docs/kubernetes.md): exec and logs on a classified pod
/// wait until an approver decides, on the same broker, API, UI and grants as held statements,
/// Git and Blob requests (`ApprovalFlow`). Approvers see the operation, the pod, the command
/// (masked) and the categories.
extension KubeGateway {
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

    func approvalFlow(_ call: Call) -> ApprovalFlow {
        let gateway = self
        return ApprovalFlow(broker: approvals, approvalURL: approvalURL, notificationKinds: notificationKinds, requester: call.principal,
                            connection: call.connection.name, rules: call.connection.approval.rules) { step, approver in
            await gateway.record(.approval(step), sessionID: call.sessionID, connection: call.connection.name,
                                 principal: approver ?? call.principal, logger: call.logger)
        }
    }

    /// The rules, then approval, then the request-phase record: what every forwarded request goes
    /// through. `announce` is told, before a wait, which request holds this one and where it is
    /// decided. nil: go ahead (recorded); otherwise the Status to answer with.
    func admit(_ call: Call, announce: @Sendable (String) async -> Void = { _ in }) async -> KubeStatus? {
        if let refusal = refusal(call) {
            let recorded = await record(requestActivity(call, decision: KubeActivity.Decision.refused, reason: refusal), call)
            return recorded ? .forbidden(refusal) : Self.notRecorded
        }
        var outcome = ApprovalFlow.Outcome.proceed(approval: nil)
        if Self.heldOperations.contains(call.request.operation), let namespace = call.request.namespace, let pod = call.request.pod {
            let classification = call.connection.classification
            let labels = classification.needsLabels(namespace: namespace, pod: pod) ? await podLabels(call, namespace: namespace, pod: pod) : nil
            let categories = classification.categories(namespace: namespace, pod: pod, podLabels: labels)
            let operation = call.request.operation.rawValue
            let trigger = call.connection.approval.evaluate(pod: podPath(call), operation: operation, categories: categories, by: call.principal)
            let url = approvalURL, hold = call.connection.approval.rules.holdTimeoutSeconds, logger = call.logger
            outcome = await approvalFlow(call).decide(trigger, operation: operation, text: approvalText(call), purpose: call.purpose) { request in
                logger.info("kubernetes request held for approval", metadata: ["request": "\(request.id)"])
                await announce("gatehouse: \(request.pods.joined(separator: ", ")) holds personal data: this \(operation) waits for an "
                               + "approver (request \(request.id), up to \(hold) s); it is decided at \(url(request.id))\n")
            }
        }
        switch outcome {
        case .notRecorded:
            return Self.notRecorded
        case .refused(let reason, _):
            let recorded = await record(requestActivity(call, decision: KubeActivity.Decision.refused, reason: reason), call)
            return recorded ? .forbidden(reason) : Self.notRecorded
        case .proceed(let approval):
            var activity = requestActivity(call, decision: KubeActivity.Decision.allowed)
            activity.approval = approval
            return await record(activity, call) ? nil : Self.notRecorded
        }
    }

    /// The pod's labels, read from the API server under the gateway's credential, for rules that
    /// classify pods by label. nil when they cannot be read (no such pod, the API server
    /// unreachable): a label rule then covers the pod, fail closed.
    func podLabels(_ call: Call, namespace: String, pod: String) async -> [String: String]? {
        guard let endpoint = try? call.connection.credentialedUpstream() else { return nil }
        // Names were checked as the API server checks them (KubeRequest): nothing to escape.
        let request = ProxyRequest(method: .get, path: "/api/v1/namespaces/\(namespace)/pods/\(pod)", query: nil,
                                   headers: [.accept: "application/json"])
        guard let upstream = try? await call.connection.forwarder.forward(request, to: endpoint, timeout: limits.upstreamTimeout),
              upstream.status.code == 200, let body = try? await upstream.collectBody(upTo: limits.objectBytes),
              let object = try? JSONSerialization.jsonObject(with: Data(Array(buffer: body))) as? [String: Any],
              let metadata = object["metadata"] as? [String: Any]
        else { return nil }
        return metadata["labels"] as? [String: String] ?? [:]
    }
}
