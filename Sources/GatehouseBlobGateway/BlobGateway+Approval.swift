import Foundation
import GatehouseApproval
import GatehouseBlob
import GatehouseCore
import GatehousePolicy
import Hummingbird

/// Just-in-time approval for Azure Blob (docs/blob.md): a read (`get-blob`) or write
/// (`put-blob`, `put-block-list`, `delete-blob`) of a blob on a classified path waits in this
/// HTTP request until an approver decides, on the same broker, API, UI and grants as held
/// statements and Git requests (`ApprovalFlow`). Approvers see the operation, the container and
/// blob name (masked) and the categories, never content.
extension BlobGateway {
    /// The operations that are held on classified paths. Staging a block changes nothing anyone
    /// reads until the block list is committed, which is held; HEAD shows no content.
    static let heldOperations: Set<BlobOperation> = [.getBlob, .putBlob, .putBlockList, .deleteBlob]

    /// What approvers see and a one-time grant covers: the operation and the blob, not the range,
    /// so every chunk of one download is covered by one decision.
    func approvalText(_ call: Call) -> String {
        "\(call.request.operation.rawValue) \(displayedPath(call))"
    }

    func displayedPath(_ call: Call) -> String {
        "\(call.request.container ?? "")/\(call.displayedBlob ?? "")"
    }

    func approve(_ call: Call, extraReasons: [String] = []) async -> ApprovalFlow.Outcome {
        guard Self.heldOperations.contains(call.request.operation) || !extraReasons.isEmpty, let container = call.request.container,
              let blob = call.request.blob else { return .proceed(approval: nil) }
        let trigger = call.connection.approval.evaluate(container: container, blob: blob, displayedPath: displayedPath(call),
                                                        operation: call.request.operation.rawValue, writes: call.request.operation.isWrite,
                                                        extraReasons: extraReasons, by: call.principal)
        let gateway = self
        let flow = ApprovalFlow(broker: approvals, approvalURL: approvalURL, notificationKinds: notificationKinds, requester: call.principal,
                                connection: call.connection.name, rules: call.connection.approval.rules) { step, approver in
            await gateway.record(.approval(step), call, as: approver)
        }
        let logger = call.logger
        // A download's chunks all ask: a one-time grant is not spent by one of them, it lasts its
        // short lifetime (the hold timeout) for this blob and operation. A write spends it.
        return await flow.decide(trigger, operation: call.request.operation.rawValue, text: approvalText(call), purpose: call.purpose,
                                 spendingOneTime: call.request.operation.isWrite) { request in
            logger.info("blob request held for approval", metadata: ["request": "\(request.id)"])
        }
    }

    /// Approval first, then the request-phase record: what every forwarded blob request goes through.
    /// nil: go ahead (recorded); otherwise the response to send.
    func admit(_ call: Call, extraReasons: [String] = []) async -> (approval: String?, refusal: Response?) {
        switch await approve(call, extraReasons: extraReasons) {
        case .notRecorded:
            return (nil, Self.error(Self.notRecorded, requestID: call.requestID))
        case .refused(let reason, _):
            guard await record(requestActivity(call, decision: BlobActivity.Decision.refused, reason: reason), call) else {
                return (nil, Self.error(Self.notRecorded, requestID: call.requestID))
            }
            return (nil, Self.error(BlobServiceError(status: 403, code: "AuthorizationPermissionMismatch", message: reason),
                                    requestID: call.requestID))
        case .proceed(let approval):
            var activity = requestActivity(call, decision: BlobActivity.Decision.allowed)
            activity.approval = approval
            guard await record(activity, call) else { return (nil, Self.error(Self.notRecorded, requestID: call.requestID)) }
            return (approval, nil)
        }
    }
}
