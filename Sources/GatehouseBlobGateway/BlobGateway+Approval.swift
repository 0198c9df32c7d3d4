import Foundation
import GatehouseApproval
import GatehouseBlob
import GatehouseCore
import GatehousePolicy
import Hummingbird

/// Just-in-time approval for Azure Blob (docs/blob.md): a read (`get-blob`) or write
/// (`put-blob`, `put-block-list`, `delete-blob`) of a blob on a classified path waits in this
/// HTTP request until an approver decides, on the same broker, API, UI and grants as held
/// statements and Git requests. Every step is recorded in the request's session before it takes
/// effect. Approvers see the operation, the container and blob name (masked) and the
/// categories, never content.
extension BlobGateway {
    enum ApprovalOutcome {
        /// Go ahead; `approval` (request ID, or `break-glass:<group>`) goes on the `blob` entry.
        case proceed(approval: String?)
        /// Not approved: nothing is forwarded. The reason names the request and its page.
        case refused(reason: String)
        /// An approval step could not be recorded (fail closed).
        case notRecorded
    }

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

    func approve(_ call: Call, extraReasons: [String] = []) async -> ApprovalOutcome {
        guard Self.heldOperations.contains(call.request.operation) || !extraReasons.isEmpty, let container = call.request.container,
              let blob = call.request.blob else { return .proceed(approval: nil) }
        let text = approvalText(call)
        switch call.connection.approval.evaluate(container: container, blob: blob, displayedPath: displayedPath(call),
                                                 operation: call.request.operation.rawValue, writes: call.request.operation.isWrite,
                                                 extraReasons: extraReasons, by: call.principal) {
        case .proceed:
            return .proceed(approval: nil)
        case .proceedByBreakGlass(let group, let need):
            let id = "break-glass:\(group)"
            let recorded = await record(.approval(.init(step: .breakGlass, requestID: id, statementIDs: [], reasons: need.reasons,
                                                        categories: need.scope.categories, blobs: need.scope.blobs)), call)
            return recorded ? .proceed(approval: id) : .notRecorded
        case .needsApproval(let need):
            // A download's chunks all ask: a one-time grant is not spent by one of them, it lasts
            // its short lifetime (the hold timeout) for this blob and operation.
            if let grant = approvals.coveringGrant(principal: call.principal, connection: call.connection.name, statementText: text,
                                                   scope: need.scope, now: Date(), spendingOneTime: call.request.operation.isWrite) {
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
                                          maskedStatement: text, need: need, purpose: call.purpose, createdAt: Date(),
                                          holdTimeoutSeconds: rules.holdTimeoutSeconds)
            return await hold(request, call)
        }
    }

    /// Records the request, puts it to the approvers, waits (the client's request stays open),
    /// and records the resolution before the client hears of it.
    func hold(_ request: ApprovalRequest, _ call: Call) async -> ApprovalOutcome {
        let requested = EventPayload.approval(.init(step: .requested, requestID: request.id, statementIDs: [], reasons: request.reasons,
                                                    categories: request.categories, purpose: request.purpose?.text,
                                                    statement: request.maskedStatement, blobs: request.blobs))
        guard await record(requested, call) else { return .notRecorded }
        call.logger.info("blob request held for approval", metadata: ["request": "\(request.id)", "connection": "\(call.connection.name)"])
        let gateway = self
        let resolution = await approvals.resolution(of: request) {
            guard !gateway.notificationKinds.isEmpty else { return }
            Task {
                _ = await gateway.record(.approval(.init(step: .notified, requestID: request.id, statementIDs: [],
                                                         notified: gateway.notificationKinds)), call)
            }
        }
        let url = approvalURL(request.id)
        switch resolution {
        case .approved(let grant):
            for decision in approvals.request(request.id)?.decisions.filter(\.approved) ?? [] {
                let approved = EventPayload.approval(.init(step: .approved, requestID: request.id, statementIDs: [],
                                                           grant: grant.evidence, comment: decision.reason))
                guard await record(approved, call, as: decision.approver) else { return .notRecorded }
            }
            let used = approvals.coveringGrant(principal: call.principal, connection: call.connection.name, statementText: request.statementText,
                                               scope: request.scope, now: Date(), spendingOneTime: call.request.operation.isWrite) ?? grant
            guard await record(.approval(.init(step: .grantUsed, requestID: request.id, statementIDs: [], grant: used.evidence)), call)
            else { return .notRecorded }
            return .proceed(approval: request.id)
        case .denied(let decision):
            _ = await record(.approval(.init(step: .denied, requestID: request.id, statementIDs: [], comment: decision.reason)), call,
                             as: decision.approver)
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

    /// Approval first, then the request-phase record: what every forwarded blob request goes through.
    /// nil: go ahead (recorded); otherwise the response to send.
    func admit(_ call: Call, extraReasons: [String] = []) async -> (approval: String?, refusal: Response?) {
        switch await approve(call, extraReasons: extraReasons) {
        case .notRecorded:
            return (nil, Self.error(Self.notRecorded, requestID: call.requestID))
        case .refused(let reason):
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
