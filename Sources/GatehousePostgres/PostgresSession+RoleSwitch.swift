import GatehouseCore
import GatehousePostgresWire
import NIOCore

/// A `SET ROLE` or `RESET ROLE` of the gateway's own, from waiting for the server to answer
/// everything before it, to its answer.
struct RoleSwitchInFlight {
    enum Stage {
        /// Waiting for the server to answer earlier messages.
        case waiting
        /// Sent as a simple Query: answered by CommandComplete or an error, then ReadyForQuery.
        case simpleQuery(failure: ErrorFields?)
        /// Sent inside an extended-protocol batch: this many answers to come, or an error.
        case batch(remaining: Int)
    }

    let change: RoleSwitching.Switch
    let isSimpleQuery: Bool
    /// The statement needs no particular role (it only ends a transaction), so a failed switch
    /// does not stop it.
    let mayGoAnyway: Bool
    let then: (ErrorFields?) -> Void
    var stage = Stage.waiting
}

/// The database backstop on the statement path: statements that may reach personal data run as
/// the connection's approved role, the rest as the login role (`RoleSwitching`). The client
/// never sees the switches; a switch that fails stops the statement (fail closed).
extension PostgresSession {
    /// The name of the gateway's own prepared statement inside a client's batch.
    static let roleStatementName = "gatehouse.role"

    /// A Bind starts its portal, and PostgreSQL checks the portal's privileges then: a statement
    /// that may reach personal data is bound as the approved role, before its Execute is
    /// decided (docs/security.md says what that means). Forwards the frame when the role is set.
    func bindAsItsRole(_ frame: PostgresFrame, statementText: String?) {
        guard connection.approvedRole != nil else { return forward(frame) }
        let analysis = statementText.flatMap { gateway.analyzer.analyze($0).first }.map { catalog.views.resolve(inSession($0)) }
            ?? StatementAnalysis(text: "", kind: .unknown, analysable: false)
        // A statement refused outright is bound as the login role: its Execute will not go.
        let needs = analysis.forbidden == nil && connection.approvalTrigger(catalog, createdBySession: createdRelations).reachesPersonalData([analysis])
        guard let change = roles.switchBefore(needsApprovedRole: needs) else { return forward(frame) }
        switchRole(change, isSimpleQuery: false, mayGoAnyway: false) { [self] refusal in
            if let refusal { refuse(refusal, isSimpleQuery: false) } else { forward(frame) }
            drainHeldFrames()
        }
    }

    /// The switch these statements (views resolved) need before they go, if any.
    func roleSwitchBefore(_ analyses: [StatementAnalysis]) -> RoleSwitching.Switch? {
        guard connection.approvedRole != nil else { return nil }
        return roles.switchBefore(needsApprovedRole: connection.approvalTrigger(catalog, createdBySession: createdRelations).reachesPersonalData(analyses))
    }

    /// Switches, then calls `then` with nil (go ahead) or the error to refuse the statement with.
    func switchRole(_ change: RoleSwitching.Switch, isSimpleQuery: Bool, mayGoAnyway: Bool, then: @escaping (ErrorFields?) -> Void) {
        roleSwitch = RoleSwitchInFlight(change: change, isSimpleQuery: isSimpleQuery, mayGoAnyway: mayGoAnyway, then: then)
        whenServerQuiet { [self] in sendRoleSwitch() }
    }

    private func sendRoleSwitch() {
        guard var pending = roleSwitch else { return }
        if pendingAnswers.skippingUntilSync {
            // The server skips everything up to the client's Sync, this statement included.
            finishRoleSwitch(refusal: nil)
            return
        }
        let sql = pending.change.sql(approvedRole: connection.approvedRole ?? "")
        if pending.isSimpleQuery && !extendedSinceSync {
            pending.stage = .simpleQuery(failure: nil)
            roleSwitch = pending
            forwardHidden([FrontendMessage.query(sql)])
        } else {
            // A simple Query would end the client's batch (its unnamed statement and portal with it).
            pending.stage = .batch(remaining: FrontendMessage.namedStatementAnswers)
            roleSwitch = pending
            forwardHidden(FrontendMessage.namedStatement(sql, name: Self.roleStatementName))
        }
    }

    /// Consumes the server's answer to a switch; false for frames that are not part of it.
    func roleSwitchAnswer(_ frame: PostgresFrame) -> Bool {
        guard var pending = roleSwitch, frame.type != BackendMessage.parameterStatusType,
              frame.type != UInt8(ascii: "A")  // notifications are the client's, whenever they come
        else { return false }
        switch pending.stage {
        case .waiting:
            return false
        case .simpleQuery(let failure):
            if frame.type == BackendMessage.errorType {
                pending.stage = .simpleQuery(failure: ErrorFields.decode(frame.body))
                roleSwitch = pending
            } else if frame.type == BackendMessage.readyForQueryType {
                let idle = BackendMessage.readTransactionStatus(frame.body) == .idle
                roles.switched(pending.change, succeeded: failure == nil, idle: idle)
                finishRoleSwitch(refusal: failure.map { switchRefusal(pending, server: $0) })
            }
            return true
        case .batch(let remaining):
            if frame.type == BackendMessage.errorType {
                // The server now skips to the client's Sync: the statement cannot go either way.
                roles.switched(pending.change, succeeded: false, idle: nil)
                finishRoleSwitch(refusal: switchRefusal(pending, server: ErrorFields.decode(frame.body)), force: true)
            } else if [BackendMessage.parseCompleteType, BackendMessage.bindCompleteType, BackendMessage.commandCompleteType,
                       BackendMessage.closeCompleteType].contains(frame.type) {
                if remaining > 1 {
                    pending.stage = .batch(remaining: remaining - 1)
                    roleSwitch = pending
                } else {
                    roles.switched(pending.change, succeeded: true, idle: nil)
                    finishRoleSwitch(refusal: nil)
                }
            }
            return true
        }
    }

    private func finishRoleSwitch(refusal: ErrorFields?, force: Bool = false) {
        guard let pending = roleSwitch else { return }
        roleSwitch = nil
        pending.then(pending.mayGoAnyway && !force ? nil : refusal)
    }

    private func switchRefusal(_ pending: RoleSwitchInFlight, server: ErrorFields) -> ErrorFields {
        let what = pending.change == .toApproved ? "switch to the approved role" : "switch back to the login role"
        return ErrorFields(code: server.code, message: "gatehouse: the statement was not run: the gateway could not \(what): \(server.message)")
    }

}
