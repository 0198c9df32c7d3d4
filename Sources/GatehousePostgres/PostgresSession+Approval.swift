import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy
import GatehousePostgresWire

/// Just-in-time approval on the statement path: whether a statement may go now (no approval
/// needed, break-glass, or a grant covers it), must wait for an approver, or cannot be approved
/// at all. Every step is recorded in this session, before it takes effect.
extension PostgresSession {
    enum ApprovalStep {
        /// Go ahead, recording these approval events with the statements.
        case proceed([GatehouseEvent])
        /// Hold for a human: record `requested`, then wait.
        case hold(ApprovalRequest, requested: GatehouseEvent)
        case refuse(ErrorFields)
    }

    /// What approval asks of these statements. `rawText` is the statement as the client sent
    /// it: one-time grants match it exactly (it stays in memory, never in the record).
    func approvalStep(for statements: [GatehouseEvent], analyses: [StatementAnalysis], rawText: String) -> ApprovalStep {
        let ids = Self.statementIDs(statements)
        switch connection.approvalTrigger(catalog, createdBySession: createdRelations).evaluate(analyses, by: principal) {
        case .proceed:
            return .proceed([])
        case .proceedByBreakGlass(let group, let need):
            return .proceed([event(.approval(.init(step: .breakGlass, requestID: "break-glass:\(group)", statementIDs: ids,
                                                   reasons: need.reasons, relations: need.scope.relations,
                                                   categories: need.scope.categories)))])
        case .needsApproval(let need):
            if let grant = gateway.approvals.coveringGrant(principal: principal, connection: connection.name, statementText: rawText,
                                                           scope: need.scope, now: Date()) {
                return .proceed([event(.approval(.init(step: .grantUsed, requestID: grant.requestID, statementIDs: ids,
                                                       grant: grant.evidence)))])
            }
            guard !connection.approval.approverGroups.isEmpty else {
                return .refuse(ErrorFields(
                    code: SQLState.approvalUnavailable,
                    message: "gatehouse: this statement needs approval (\(need.reasons.joined(separator: "; "))), but connection '\(connection.name)' has no approver groups",
                    hint: "An administrator sets approval.approver_groups for the connection."))
            }
            let masked = Self.maskedTexts(statements)
            let request = ApprovalRequest(
                requester: principal, connection: connection.name, statementText: rawText, maskedStatement: masked, need: need,
                purpose: Purpose.extract(applicationName: applicationName, statementText: rawText), createdAt: Date(),
                holdTimeoutSeconds: connection.approval.holdTimeoutSeconds)
            let requested = event(.approval(.init(
                step: .requested, requestID: request.id, statementIDs: ids, reasons: need.reasons, relations: need.scope.relations,
                categories: need.scope.categories, purpose: request.purpose?.text, statement: masked)))
            return .hold(request, requested: requested)
        }
    }

    /// The events a resolved request adds to the record, and the error for the client when it
    /// was not approved (nil: forward the statements).
    func resolutionEvents(_ resolution: ApprovalResolution, request: ApprovalRequest, statements: [GatehouseEvent],
                          rawText: String) -> (events: [GatehouseEvent], refusal: ErrorFields?) {
        let ids = Self.statementIDs(statements)
        let url = gateway.approvalURL(request.id)
        switch resolution {
        case .approved(let grant):
            let decided = gateway.approvals.request(request.id)?.decisions.filter(\.approved) ?? []
            var events = decided.map { decision in
                approvalEvent(.init(step: .approved, requestID: request.id, statementIDs: ids, grant: grant.evidence,
                                    comment: decision.reason), by: decision.approver)
            }
            // The held statement uses its own grant now: a one-time grant is spent by this run.
            let used = gateway.approvals.coveringGrant(principal: principal, connection: connection.name, statementText: rawText,
                                                       scope: request.scope, now: Date()) ?? grant
            events.append(event(.approval(.init(step: .grantUsed, requestID: request.id, statementIDs: ids,
                                                grant: used.evidence))))
            return (events, nil)
        case .denied(let decision):
            let who = decision.approver.username ?? decision.approver.subject
            return ([approvalEvent(.init(step: .denied, requestID: request.id, statementIDs: ids, comment: decision.reason),
                                   by: decision.approver)],
                    ErrorFields(code: SQLState.approvalDenied,
                                message: "gatehouse: approval request \(request.id) was denied by \(who)"
                                    + (decision.reason.map { ": \($0)" } ?? ""),
                                hint: "See \(url)"))
        case .expired:
            return ([event(.approval(.init(step: .expired, requestID: request.id, statementIDs: ids)))],
                    ErrorFields(code: SQLState.approvalTimedOut,
                                message: "gatehouse: approval request \(request.id) was not decided within \(connection.approval.holdTimeoutSeconds) s, so the statement did not run",
                                hint: "Ask an approver to decide at \(url), or for a time-boxed grant, then run it again."))
        case .cancelled:
            // The client's cancel request (a session that ended hears nothing).
            return ([event(.approval(.init(step: .cancelled, requestID: request.id, statementIDs: ids)))],
                    ErrorFields(code: SQLState.queryCanceled, message: "canceling statement due to user request",
                                detail: "gatehouse: approval request \(request.id) was withdrawn"))
        }
    }

    /// What the client hears while its statement waits (frames are whole, so this notice lands
    /// between the server's messages, where the protocol allows one at any time).
    func heldNotice(_ request: ApprovalRequest) -> ErrorFields {
        ErrorFields(severity: "NOTICE", code: SQLState.approvalPending,
                    message: "gatehouse: approval request \(request.id) holds this statement until an approver decides (at most \(connection.approval.holdTimeoutSeconds) s)",
                    hint: "An approver decides at \(gateway.approvalURL(request.id))")
    }

    private func approvalEvent(_ approval: EventPayload.Approval, by approver: Principal) -> GatehouseEvent {
        GatehouseEvent(sessionID: id, connection: connection.name, principal: approver, payload: .approval(approval))
    }

    static func statementIDs(_ statements: [GatehouseEvent]) -> [Int] {
        statements.compactMap { if case .statement(let payload) = $0.payload { return payload.statementID } else { return nil } }
    }

    private static func maskedTexts(_ statements: [GatehouseEvent]) -> String {
        statements.compactMap { if case .statement(let payload) = $0.payload { return payload.text } else { return nil } }
            .joined(separator: "; ")
    }
}
