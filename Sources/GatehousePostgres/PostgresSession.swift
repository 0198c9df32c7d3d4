import Foundation
import GatehouseApproval
import GatehouseCore
import GatehouseMasking
import GatehousePolicy
import GatehousePostgresMasking
import GatehousePostgresWire
import GatehouseSQL
import Logging
import NIOCore

/// A relayed session: client and upstream are both logged in, and every frame passes through
/// here. Runs entirely on the client channel's event loop (the upstream channel shares it).
///
/// Client to upstream, a statement is forwarded only after its event is durably recorded
/// (write-ahead); while a record is in flight, later frames wait in order and the client is not
/// read from. Upstream to client, every frame passes the `ResponseMasker` (rows, COPY data,
/// errors, notices and notifications are masked; anything it cannot mask ends the session), and
/// the ones that settle a statement (CommandComplete, ErrorResponse...) produce its outcome event.
final class PostgresSession {
    let id: String
    let principal: Principal
    /// The session ends at its token's expiry: the next statement after it is refused and the
    /// connection closed (docs/identity.md, "Sessions and token expiry").
    let tokenExpiresAt: Date
    /// The connection's rules as of this session's latest statement (a reload is adopted then).
    private(set) var connection: PostgresGateway.Connection
    /// The gateway's configuration generation `connection` belongs to.
    private var configurationGeneration: Int
    /// The client's `application_name`: where a purpose may be stated (`purpose: ...`).
    let applicationName: String?
    let gateway: PostgresGateway
    let client: Channel
    private let upstream: Channel
    private let logger: Logger
    var cancelKey: BackendKey?
    /// The upstream backend's process ID, as notifications name their sender.
    var upstreamProcessID: Int32?
    /// The connection's views and columns: statements over views are recorded by their base
    /// tables, and results are masked by the classification of the columns they come from.
    private(set) var catalog: UpstreamCatalog
    private var responses: ResponseMasker
    /// DDL went upstream: views and columns may have changed, reload the catalog at the next ReadyForQuery.
    private var ranDDL = false

    private var tracker = StatementTracker()
    /// SQL cursors declared in this session: a FETCH is analysed as its cursor's query.
    private var cursors = DeclaredCursors()
    /// SQL prepared statements defined in this session: an EXECUTE is analysed as its PREPARE.
    private var preparedStatements = PreparedSQLStatements()
    /// The frame being handled again after `lookUpUnknownRelations` read the catalog.
    private var lookedUpUnknownRelations = false
    /// When this session last had the catalog read for an unknown relation: at most once a
    /// second, so a client naming unknown relations in a loop cannot keep the catalog busy.
    private var lastCatalogLookup: NIODeadline?
    private static let catalogLookupInterval = TimeAmount.seconds(1)
    /// Relations this session created or dropped through the gateway (`ApprovalTrigger.createdBySession`).
    private(set) var createdRelations: [RelationName] = []
    /// A statement of this session stored what it read from personal data in a setting
    /// (`set_config('my.x', (SELECT email ...), false)`): reading settings back is then unanalysable.
    private var settingsHoldPersonalData = false
    private var extended = ExtendedQueryState()
    private var nextStatementID = 1
    /// Gateway-made errors to show the client in place of the server's next ReadyForQuery
    /// answer, aligned one to one with the sync points forwarded (nil: nothing to add).
    private var syncInjections = CircularBuffer<ErrorFields?>()
    /// After the gateway refused an extended-protocol message, the rest up to Sync is dropped,
    /// exactly as the server would after an error.
    private var discardingUntilSync: ErrorFields?
    var heldFrames = CircularBuffer<PostgresFrame>()
    private static let heldFramesLimit = 256
    private var clientReadsPaused = false
    private var waitingForRecorder = false
    private var reloadingCatalog = false
    /// The approval request a statement of this session waits on, if any.
    private var pendingApproval: ApprovalRequest?
    /// The database backstop: which role statements run as, and a switch under way.
    var roles = RoleSwitching()
    var roleSwitch: RoleSwitchInFlight?
    /// What the server still owes for what went upstream (`PostgresSession+ServerQuiet`).
    var pendingAnswers = PendingAnswers()
    /// Extended-protocol messages went upstream since the last Sync: a batch is open.
    var extendedSinceSync = false
    /// Runs once the server has answered everything forwarded.
    var quietWaiter: (() -> Void)?
    /// Copy-in, where the server ignores Sync (`CopyInTracking`); a Sync waits for the COPY's
    /// answer while `syncWaitsForCopyAnswer`.
    private var copyIn = CopyInTracking()
    private var syncWaitsForCopyAnswer = false
    /// Client frames wait, in order, while a record, an approval, a view reload, a role switch or
    /// the server's answers to a batch are awaited.
    private var holding: Bool {
        waitingForRecorder || pendingApproval != nil || reloadingCatalog || roleSwitch != nil || quietWaiter != nil
            || syncWaitsForCopyAnswer || analysingLargeStatement
    }
    /// Outcomes not yet committed. They ride along with the next statement's write-ahead commit
    /// (one durable commit per statement instead of two), or go on their own after
    /// `outcomeFlushDelay` when the session is idle.
    private var pendingOutcomes: [GatehouseEvent] = []
    /// A long statement is being analysed off the event loop (`PostgresSession+LargeStatements`).
    var analysingLargeStatement = false
    /// The last long statement analysed off the loop, kept for its Parse, Execute or Query.
    var largeAnalysis: (text: String, analyses: [StatementAnalysis])?
    private var outcomeFlush: Scheduled<Void>?
    private static let outcomeFlushDelay = TimeAmount.milliseconds(20)
    private var toUpstream: ByteBuffer
    private var toClient: ByteBuffer
    private(set) var ended = false

    /// Output is written out once this much is buffered, even mid-read.
    private static let writeThreshold = 64 * 1024

    init(id: String, principal: Principal, tokenExpiresAt: Date, connection: PostgresGateway.Connection, applicationName: String?,
         gateway: PostgresGateway, client: Channel, upstream: Channel, catalog: UpstreamCatalog, logger: Logger) {
        self.id = id
        self.tokenExpiresAt = tokenExpiresAt
        self.applicationName = applicationName
        self.catalog = catalog
        self.responses = ResponseMasker(settings: connection.masking, planner: connection.planner(catalog))
        let notifiers = gateway.personalNotifiers
        self.responses.notificationSenderCategory = { notifiers.category(of: $0) }
        self.principal = principal
        self.connection = connection
        self.configurationGeneration = gateway.generation
        self.gateway = gateway
        self.client = client
        self.upstream = upstream
        self.logger = logger
        self.toUpstream = client.allocator.buffer(capacity: 4096)
        self.toClient = client.allocator.buffer(capacity: 4096)
    }

    /// Replaces the login handler's role on the upstream channel with framing and relaying.
    func attachToUpstream() throws {
        let operations = upstream.pipeline.syncOperations
        try operations.addHandler(ByteToMessageHandler(PostgresFrameDecoder(maxMessageBytes: 1 << 30)))
        try operations.addHandler(UpstreamRelayHandler(session: self))
    }

    // MARK: - Client to upstream

    func clientFrame(_ frame: PostgresFrame) {
        guard !ended else { return }
        if holding || !heldFrames.isEmpty {
            heldFrames.append(frame)
            updateClientReads()
            return
        }
        handleClientFrame(frame)
    }

    func clientReadComplete() {
        flushUpstream()
    }

    private func handleClientFrame(_ frame: PostgresFrame) {
        if [FrontendMessage.queryType, FrontendMessage.parseType].contains(frame.type), Date() >= tokenExpiresAt {
            let expiry = UTCTimestamp.string(from: tokenExpiresAt) ?? "\(tokenExpiresAt)"
            failClient(.fatal(code: SQLState.invalidAuthorizationSpecification,
                              message: "gatehouse: the token this session signed in with expired at \(expiry)",
                              hint: "Connect again with a new token."), reason: "token expired")
            return
        }
        if [FrontendMessage.queryType, FrontendMessage.parseType, FrontendMessage.executeType].contains(frame.type),
           adoptSharedCatalog(before: frame) {
            return
        }
        if let refusal = discardingUntilSync {
            guard frame.type == FrontendMessage.syncType else { return }
            discardingUntilSync = nil
            forwardSyncPoint(frame, injecting: refusal)
            return
        }
        if analysingElsewhere(frame) { return }
        do {
            switch frame.type {
            case FrontendMessage.queryType where extendedSinceSync:
                queryInsideBatch(frame) { [self] frame in
                    do { try simpleQuery(frame) } catch { protocolViolation("\(error)") }
                }
            case FrontendMessage.queryType:
                try simpleQuery(frame)
            case FrontendMessage.parseType:
                let parse = try FrontendMessage.readParse(frame.body)
                extended.parsed(parse)
                responses.router.parse(name: parse.statementName,
                                       analysis: analyze(parse.query).first.map(inSession))
                forward(frame)
            case FrontendMessage.bindType:
                let bind = try FrontendMessage.readBind(frame.body)
                extended.bound(bind)
                responses.router.bind(portal: bind.portalName, statement: bind.statementName, resultFormats: bind.resultFormats)
                bindAsItsRole(frame, statementText: extended.statementText(named: bind.statementName))
            case FrontendMessage.executeType:
                try execute(frame)
            case FrontendMessage.closeType:
                let close = try FrontendMessage.readClose(frame.body)
                extended.closed(close)
                responses.router.close(close.isPortal ? .portal(close.name) : .statement(close.name))
                forward(frame)
            case FrontendMessage.syncType:
                switch copyIn.syncHandling {
                case .forward:
                    forwardSyncPoint(frame, injecting: nil)
                case .hold:
                    syncWaitsForCopyAnswer = true
                    heldFrames.prepend(frame)
                case .drop:
                    break  // the server, in copy-in, would ignore it: it is no sync point
                }
            case FrontendMessage.functionCallType:
                // The fast-path interface calls functions by OID, out of sight of SQL analysis.
                refuseInPlaceOfSync(ErrorFields(code: SQLState.featureNotSupported,
                                                message: "gatehouse: the fast-path function call interface is not allowed"))
            case FrontendMessage.terminateType:
                forward(frame)
                flushUpstream()
                end(reason: "client terminated the session")
            case FrontendMessage.describeType:
                let target = try FrontendMessage.readDescribe(frame.body)
                if case .statement(let name) = target { extended.described(statementName: name) } else { extended.described(statementName: nil) }
                responses.router.describe(target)
                forward(frame)
            case FrontendMessage.flushType, FrontendMessage.copyDataType,
                 FrontendMessage.copyDoneType, FrontendMessage.copyFailType:
                forward(frame)
            default:
                // Only messages the gateway understands reach the server.
                throw ProtocolViolation("unexpected message type \(frame.type) ('\(frame.typeCharacter)')")
            }
        } catch {
            protocolViolation("\(error)")
        }
    }

    private func simpleQuery(_ frame: PostgresFrame) throws {
        let text = try FrontendMessage.readQuery(frame.body)
        let parsed = analyze(text).map(inSession)
        let analyses = parsed.map(catalog.views.resolve)
        if lookUpUnknownRelations(analyses, then: frame) { return }
        let statements = analyses.map { analysis in
            statementEvent(text: analysis.text, mode: "simple", parameters: [], analysis: analysis)
        }
        gate(statements, analyses: analyses, rawText: text, frame: frame, isSimpleQuery: true) { [self] in
            responses.router.query(parsed)
        }
    }

    private func execute(_ frame: PostgresFrame) throws {
        let execute = try FrontendMessage.readExecute(frame.body)
        let portal = extended.portal(named: execute.portalName)
        let text = portal?.statementText ?? ""
        // A Parse text holds one statement (the server refuses more), so the first analysis is it.
        var analysis = catalog.views.resolve(inSession(analyze(text).first ?? StatementAnalysis(text: text, kind: .empty)))
        if lookUpUnknownRelations([analysis], then: frame) { return }
        if portal == nil {
            analysis = StatementAnalysis(text: "", kind: .unknown, analysable: false, limitation: "unknown portal '\(execute.portalName)'")
        } else if portal?.statementText == nil {
            analysis = StatementAnalysis(text: "", kind: .unknown, analysable: false,
                                         limitation: "portal '\(execute.portalName)' runs a prepared statement the gateway does not know (not parsed through it, or redefined by SQL)")
        }
        let statement = statementEvent(text: text, mode: "extended", parameters: portal?.parameters ?? [], analysis: analysis)
        gate([statement], analyses: [analysis], rawText: text, frame: frame, isSimpleQuery: false) { [self] in
            // The rows must be described to be masked: if the client did not ask, the gateway does.
            if responses.router.execute(portal: execute.portalName) {
                forward(FrontendMessage.describePortal(execute.portalName))
            }
            copyIn.executeForwarded(copiesFromClient: analysis.copy?.fromClient == true)
        }
    }

    /// Decide, wait for approval when it is needed, record, then forward: the one path every
    /// statement takes. `beforeForwarding` runs just before the frame goes upstream (the response
    /// masker learns what is coming).
    private func gate(_ statements: [GatehouseEvent], analyses: [StatementAnalysis], rawText: String, frame: PostgresFrame,
                      isSimpleQuery: Bool, beforeForwarding: @escaping () -> Void) {
        // A Parse that does not parse was already answered by the server itself (and the server
        // skips its Execute); a simple Query gets what the server would answer, at once.
        if isSimpleQuery, let syntax = analyses.lazy.compactMap(\.syntaxError).first {
            let position = syntax.position > 0 ? [UInt8(ascii: "P"): String(syntax.position)] : [:]
            refuse(ErrorFields(code: SQLState.syntaxError, message: syntax.message, other: position), isSimpleQuery: isSimpleQuery)
            return
        }
        let request = AccessRequest(principal: principal, connection: connection.name, accessProtocol: .postgres, statements: analyses)
        switch connection.policy.decide(request) {
        case .allow:
            break
        case .deny(let reason), .needsApproval(let reason):
            refuse(ErrorFields(code: SQLState.insufficientPrivilege, message: "gatehouse: \(reason)"), isSimpleQuery: isSimpleQuery)
            return
        }
        switch approvalStep(for: statements, analyses: analyses, rawText: rawText) {
        case .proceed(let approvalEvents):
            commit(approvalEvents + statements, analyses: analyses, frame: frame, isSimpleQuery: isSimpleQuery,
                   beforeForwarding: beforeForwarding)
        case .refuse(let error):
            refuse(error, isSimpleQuery: isSimpleQuery)
        case .hold(let approval, let requested):
            guard gateway.approvals.hasRoomForAnotherRequest(from: principal) else {
                refuse(ErrorFields(code: SQLState.configurationLimitExceeded, message: "gatehouse: \(gateway.approvals.tooManyPendingMessage)"),
                       isSimpleQuery: isSimpleQuery)
                return
            }
            hold(approval, requested: requested, statements: statements, analyses: analyses, rawText: rawText, frame: frame,
                 isSimpleQuery: isSimpleQuery, beforeForwarding: beforeForwarding)
        }
    }

    /// Records the request (so it is evidence before anyone can decide it), then waits for the
    /// decision with every later frame held. The decision arrives on any thread and is handled
    /// on this session's event loop at once: no polling between an approval and the statement.
    private func hold(_ approval: ApprovalRequest, requested: GatehouseEvent, statements: [GatehouseEvent], analyses: [StatementAnalysis],
                      rawText: String, frame: PostgresFrame, isSimpleQuery: Bool, beforeForwarding: @escaping () -> Void) {
        pendingApproval = approval
        gateway.record(takePendingOutcomes() + [requested], on: client.eventLoop).whenComplete { [self] result in
            guard !ended else { return }
            if case .failure(let error) = result {
                logger.error("cannot record an approval request; refusing the statement", metadata: ["error": "\(error)"])
                pendingApproval = nil
                refuse(ErrorFields(code: SQLState.internalError, message: "gatehouse: the approval request could not be recorded, so the statement was not run"),
                       isSimpleQuery: isSimpleQuery)
                drainHeldFrames()
                return
            }
            logger.info("statement held for approval", metadata: ["request": "\(approval.id)"])
            // Said now, not with the outcome: the client would otherwise wait in silence.
            BackendMessage.notice(heldNotice(approval)).write(into: &toClient)
            flushClient()
            let loop = client.eventLoop
            let resume = NIOLoopBound({ [self] (resolution: ApprovalResolution) in
                approvalResolved(resolution, approval: approval, statements: statements, analyses: analyses, rawText: rawText,
                                 frame: frame, isSimpleQuery: isSimpleQuery, beforeForwarding: beforeForwarding)
            }, eventLoop: loop)
            gateway.approvals.submit(approval) { resolution in
                loop.execute { resume.value(resolution) }
            }
            if !gateway.notificationKinds.isEmpty {
                // Submitting handed the request to the notification targets (failures are logged).
                recordInBackground([event(.approval(.init(step: .notified, requestID: approval.id,
                                                          statementIDs: Self.statementIDs(statements),
                                                          notified: gateway.notificationKinds)))])
            }
        }
    }

    private func approvalResolved(_ resolution: ApprovalResolution, approval: ApprovalRequest, statements: [GatehouseEvent],
                                  analyses: [StatementAnalysis], rawText: String, frame: PostgresFrame, isSimpleQuery: Bool,
                                  beforeForwarding: @escaping () -> Void) {
        guard !ended, pendingApproval?.id == approval.id else { return }
        pendingApproval = nil
        let (events, refusal) = resolutionEvents(resolution, request: approval, statements: statements, rawText: rawText)
        guard let refusal else {
            commit(events + statements, analyses: analyses, frame: frame, isSimpleQuery: isSimpleQuery, beforeForwarding: beforeForwarding)
            return
        }
        // Not approved: the decision is recorded before the client hears of it; the client is
        // refused either way (a failed record is logged: refusing needs no permission).
        waitingForRecorder = true
        gateway.record(takePendingOutcomes() + events, on: client.eventLoop).whenComplete { [self] result in
            waitingForRecorder = false
            guard !ended else { return }
            if case .failure(let error) = result {
                logger.error("cannot record an approval decision", metadata: ["error": "\(error)"])
            }
            refuse(refusal, isSimpleQuery: isSimpleQuery)
            drainHeldFrames()
        }
    }

    /// Records the statements (with any approval events), then forwards the frame.
    private func commit(_ events: [GatehouseEvent], analyses: [StatementAnalysis], frame: PostgresFrame, isSimpleQuery: Bool,
                        beforeForwarding: @escaping () -> Void) {
        waitingForRecorder = true
        let derivations = classificationDerivations(analyses, statementIDs: Self.statementIDs(events))
        gateway.record(takePendingOutcomes() + events + derivations.map(\.event), on: client.eventLoop).whenComplete { [self] result in
            waitingForRecorder = false
            guard !ended else { return }
            switch result {
            case .success:
                let changed = classificationChangedWhileRecording(analyses)
                for derivation in derivations {
                    logger.info("classification derived from a write", metadata: ["tables": "\(derivation.tables.map(\.relation.description))"])
                    adopt(connection.catalog.derive(derivation.tables))
                }
                if let changed {
                    refuse(changed, isSimpleQuery: isSimpleQuery)
                    drainHeldFrames()
                    return
                }
                if analyses.contains(where: { $0.kind == .ddl || !$0.analysable }) { ranDDL = true }
                markIfNotifyingPersonalData(analyses)
                createdRelations += analyses.flatMap(\.createsOrDrops).filter { !createdRelations.contains($0) }
                if analyses.contains(where: Self.mayRedefinePreparedStatements) {
                    extended.preparedStatementsChangedBySQL()
                    responses.router.preparedStatementsChangedBySQL()
                }
                let now = DispatchTime.now().uptimeNanoseconds
                for event in events {
                    if case .statement(let payload) = event.payload { tracker.statementForwarded(id: payload.statementID, at: now) }
                }
                let transactionControl = analyses.contains { $0.kind == .transaction }
                let mayResetRole = analyses.contains { [.set, .deallocate].contains($0.kind) || !$0.analysable }
                let send = { [self] in
                    beforeForwarding()
                    if isSimpleQuery {
                        forwardSyncPoint(frame, injecting: nil)
                    } else {
                        forward(frame)
                    }
                    roles.forwarded(transactionControl: transactionControl, mayResetRole: mayResetRole)
                }
                if let change = roleSwitchBefore(analyses) {
                    // The statement goes once the server has the role it must run as.
                    switchRole(change, isSimpleQuery: isSimpleQuery,
                               mayGoAnyway: analyses.allSatisfy { $0.kind == .transaction }) { [self] refusal in
                        if let refusal { refuse(refusal, isSimpleQuery: isSimpleQuery) } else { send() }
                        drainHeldFrames()
                    }
                } else {
                    send()
                }
            case .failure(let error):
                logger.error("cannot record a statement; refusing it", metadata: ["error": "\(error)"])
                refuse(ErrorFields(code: SQLState.internalError, message: "gatehouse: the statement could not be recorded, so it was not run"),
                       isSimpleQuery: isSimpleQuery)
            }
            drainHeldFrames()
        }
    }

    /// Classification derived elsewhere (another instance's copy, taken in from the shared log
    /// while this statement was being recorded) that names a relation the statement touches: its
    /// masking was planned without it, so it does not run. The session adopts the classification
    /// and the client may simply run it again.
    private func classificationChangedWhileRecording(_ analyses: [StatementAnalysis]) -> ErrorFields? {
        let current = connection.catalog.current
        guard current.derived != catalog.derived else { return nil }
        let known = Set(catalog.derived.tables)
        // Looked up as classification is (an unqualified name matches through any schema).
        let newlyClassified = DataClassification().merging(current.derived.tables.filter { !known.contains($0) })
        guard analyses.contains(where: { $0.relations.contains { newlyClassified.table($0) != nil } }) else { return nil }
        adopt(current)
        return ErrorFields(code: SQLState.serializationFailure,
                           message: "gatehouse: a table this statement touches became personal data while it was being recorded "
                               + "(a copy made through another gateway instance); it was not run: run it again")
    }

    func drainHeldFrames() {
        while !holding, !ended, let frame = heldFrames.popFirst() {
            handleClientFrame(frame)
        }
        flushUpstream()
        updateClientReads()
    }

    /// Reading from the client pauses while held frames pile up (a client flooding a held
    /// session) or the server is not keeping up, so memory stays bounded either way. Toggled only
    /// on change: each toggle is a system call.
    func updateClientReads() {
        let pause = heldFrames.count >= Self.heldFramesLimit || !upstream.isWritable
        guard pause != clientReadsPaused else { return }
        clientReadsPaused = pause
        client.setOption(ChannelOptions.autoRead, value: !pause).whenComplete { _ in }
    }

    /// Refuses a statement with an error the client sees where the server's answer would be.
    func refuse(_ error: ErrorFields, isSimpleQuery: Bool) {
        if isSimpleQuery {
            refuseInPlaceOfSync(error)
        } else {
            discardingUntilSync = error
        }
    }

    /// Sends the server a Sync instead of the refused message: its ReadyForQuery answer keeps
    /// responses in order, and the error is shown just before it.
    private func refuseInPlaceOfSync(_ error: ErrorFields) {
        forwardSyncPoint(PostgresFrame(type: FrontendMessage.syncType, body: ByteBuffer()), injecting: error)
    }

    private func forwardSyncPoint(_ frame: PostgresFrame, injecting error: ErrorFields?) {
        tracker.syncForwarded()
        responses.router.sync()
        extended.syncPointForwarded()
        syncInjections.append(error)
        forward(frame)
    }

    func forward(_ frame: PostgresFrame) {
        notePendingAnswers(forwarded: frame.type)
        copyIn.clientForwarded(frame.type)
        writeUpstream(frame)
    }

    /// Buffers a frame for the server, in order with everything before it.
    func writeUpstream(_ frame: PostgresFrame) {
        frame.write(into: &toUpstream)
        if toUpstream.readableBytes >= Self.writeThreshold { flushUpstream() }
    }

    func flushUpstream() {
        guard toUpstream.readableBytes > 0 else { return }
        upstream.writeAndFlush(toUpstream, promise: nil)
        toUpstream = upstream.allocator.buffer(capacity: 4096)
        if !upstream.isWritable { updateClientReads() }
    }

    /// The record holds the statement masked: identifiers in literals and parameters never reach it.
    private func statementEvent(text: String, mode: String, parameters: [String?], analysis: StatementAnalysis) -> GatehouseEvent {
        defer { nextStatementID += 1 }
        let masked = MaskedStatement(text: text, parameters: parameters, analysis: analysis, engine: connection.masking.engine)
        return event(.statement(.init(statementID: nextStatementID, protocolMode: mode, text: masked.text, parameters: masked.parameters,
                                      analysis: masked.analysis, subjects: masked.subjects)))
    }

    func event(_ payload: EventPayload) -> GatehouseEvent {
        GatehouseEvent(sessionID: id, connection: connection.name, principal: principal, payload: payload)
    }

    // MARK: - Upstream to client

    func upstreamFrame(_ frame: PostgresFrame) {
        guard !ended else { return }
        if roleSwitch != nil, roleSwitchAnswer(frame) { return }
        pendingAnswers.received(frame.type)
        defer { serverMayBeQuiet() }
        if copyIn.received(frame.type), syncWaitsForCopyAnswer {
            syncWaitsForCopyAnswer = false
            // After this message is relayed: the held Sync is then forwarded or dropped.
            upstream.eventLoop.execute { [self] in drainHeldFrames() }
        }
        if frame.type == BackendMessage.readyForQueryType, let injection = syncInjections.popFirst(), let error = injection {
            BackendMessage.error(error).write(into: &toClient)
        }
        do {
            try responses.relay(frame, into: &toClient)
        } catch {
            // Fail closed: what cannot be masked does not go out, and the stream cannot go on
            // without it.
            logger.error("cannot mask a response; ending the session", metadata: ["error": "\(error)"])
            failClient(.fatal(code: SQLState.internalError,
                              message: "gatehouse: a result could not be masked, so it was withheld and the session closed: \(error)"),
                       reason: "masking failed: \(error)")
            return
        }
        switch frame.type {
        case BackendMessage.readyForQueryType:
            settle(frame)
            extended.synced()
            roles.ready(idle: BackendMessage.readTransactionStatus(frame.body) == .idle)
            // Not inside the client's transaction: the catalog read would wait for the locks the
            // DDL holds, while the client waits for the reload (the DDL is not visible to
            // other connections before commit anyway).
            if ranDDL, BackendMessage.readTransactionStatus(frame.body) == .idle { reloadCatalog() }
        case BackendMessage.parameterDescriptionType:
            extended.received(parameterDescription: frame.body)
        case _ where BackendMessage.stepConfirmationTypes.contains(frame.type):
            extended.stepConfirmed()
        case BackendMessage.parameterStatusType:
            // The backstop for what the analysis refuses: statements are read as the server
            // reads them only while this stays on.
            if let reason = Self.unsupportedParameter(BackendMessage.readParameterStatus(frame.body)) {
                failClient(.fatal(code: SQLState.featureNotSupported, message: "gatehouse: \(reason), so the session was closed"),
                           reason: reason)
                return
            }
        case BackendMessage.errorType:
            extended.failed()
            settle(frame)
        case BackendMessage.commandCompleteType, BackendMessage.emptyQueryType, BackendMessage.portalSuspendedType:
            settle(frame)
        default:
            break
        }
        if toClient.readableBytes >= Self.writeThreshold { flushClient() }
    }

    /// A statement's analysis as this session and connection make it (before view resolution):
    /// user code the catalog knows of, the cursor a FETCH reads, the statement an EXECUTE runs,
    /// settings filled from personal data.
    func inSession(_ analysis: StatementAnalysis) -> StatementAnalysis {
        settingsChecked(preparedStatements.apply(cursors.apply(catalog.check(analysis))))
    }

    private func storesPersonalDataInSettings(_ analysis: StatementAnalysis) -> Bool {
        analysis.functions.contains { $0 == "set_config" || $0 == "pg_catalog.set_config" }
            && responses.router.planner.personalDataCategory(of: analysis) != nil
    }

    /// Once a setting may hold personal data, reading settings (`current_setting`, `SHOW`) is
    /// reading it. Marked as statements are analysed, so a later statement of the same Query
    /// counts too (a statement refused after all leaves the mark: fail safe).
    private func settingsChecked(_ analysis: StatementAnalysis) -> StatementAnalysis {
        defer { if !settingsHoldPersonalData, storesPersonalDataInSettings(analysis) { settingsHoldPersonalData = true } }
        guard settingsHoldPersonalData, analysis.kind == .show
            || analysis.functions.contains(where: { $0 == "current_setting" || $0 == "pg_catalog.current_setting" })
            || analysis.reads.contains(where: { $0.name == "pg_settings" })
        else { return analysis }
        return analysis.unanalysable(because: "reads session settings, which a statement of this session filled from personal data")
    }

    /// What a statement copies out of classified columns is personal data where it lands, for
    /// every session of the connection from the next statement on, on every instance sharing the
    /// ledger, and after a restart: each derivation is a ledger entry of its own
    /// (`classification`), recorded with the statement, before the copy can exist, and adopted
    /// once that record is durable.
    private func classificationDerivations(_ analyses: [StatementAnalysis],
                                           statementIDs: [Int]) -> [(tables: [DataClassification.Table], event: GatehouseEvent)] {
        guard !connection.classification.isEmpty else { return [] }
        let views = catalog.views
        return zip(analyses, statementIDs).compactMap { analysis, statementID in
            guard !analysis.fills.isEmpty else { return nil }
            let tables = ClassificationDerivation.derive(analysis.fills, classification: connection.effectiveClassification(catalog),
                                                         baseColumns: { views.baseColumns(of: $0) })
            guard !tables.isEmpty else { return nil }
            return (tables, event(.classification(.init(statementID: statementID, tables: tables))))
        }
    }

    /// A statement that read personal data and can notify makes this backend's notifications
    /// personal data (see `PersonalNotifiers`).
    private func markIfNotifyingPersonalData(_ analyses: [StatementAnalysis]) {
        guard let processID = upstreamProcessID else { return }
        for analysis in analyses where analysis.kind == .notify || !analysis.analysable
            || analysis.functions.contains(where: { $0 == "pg_notify" || $0 == "pg_catalog.pg_notify" }) {
            if let category = responses.router.planner.personalDataCategory(of: analysis) {
                gateway.personalNotifiers.mark(processID, category: category)
            }
        }
    }

    /// SQL `PREPARE`, `DEALLOCATE` and `DISCARD` change the prepared statements the extended
    /// protocol binds to, out of the protocol's sight; so may a DO block or a procedure.
    static func mayRedefinePreparedStatements(_ analysis: StatementAnalysis) -> Bool {
        [.prepare, .deallocate, .doBlock, .call].contains(analysis.kind)
    }

    /// Why a server setting the gateway was told of ends the session (nil: it is fine).
    static func unsupportedParameter(_ parameter: (name: String, value: String)?) -> String? {
        guard let parameter, parameter.name == "standard_conforming_strings", parameter.value != "on" else { return nil }
        return "the server reads string literals with standard_conforming_strings = \(parameter.value), which Gatehouse cannot analyse"
    }

    /// Outcomes of the statements `frame` settles; the first (the statement whose response just
    /// ended) carries what was masked in it.
    private func settle(_ frame: PostgresFrame) {
        var outcomes = tracker.received(type: frame.type, body: frame.body, at: DispatchTime.now().uptimeNanoseconds)
        if frame.type == BackendMessage.errorType, !outcomes.isEmpty {
            outcomes[0].errorMessage = responses.maskedErrorMessage(frame.body)
        }
        if frame.type != BackendMessage.readyForQueryType, !outcomes.isEmpty {
            responses.takeSummary().apply(to: &outcomes[0])
        }
        pendingOutcomes.append(contentsOf: outcomes.map { event(.outcome($0)) })
    }

    /// Another session's DDL reloads the connection's shared catalog: statements here use the
    /// new one from then on, and wait while it loads (a view replaced elsewhere must not be
    /// decided and masked by its old definition). True when `frame` now waits for the load.
    private func adoptSharedCatalog(before frame: PostgresFrame) -> Bool {
        adoptReloadedConfiguration()
        switch connection.catalog.change(since: catalog.generation) {
        case .none:
            return false
        case .replaced(let shared):
            adopt(shared)
            return false
        case .loading(let loading):
            reloadingCatalog = true
            heldFrames.prepend(frame)
            loading.hop(to: client.eventLoop).whenComplete { [self] _ in
                adopt(connection.catalog.current)
                reloadingCatalog = false
                drainHeldFrames()
            }
            return true
        }
    }

    /// A configuration reloaded since the last statement: this statement is decided and masked
    /// by the connection's new classification, approval rules and groups. The catalog stays
    /// (a reload keeps the catalog of a connection that reaches the same upstream login).
    private func adoptReloadedConfiguration() {
        guard let reloaded = gateway.connectionAfterReload(connection, since: configurationGeneration) else { return }
        configurationGeneration = reloaded.generation
        connection = reloaded.connection
        responses.router.planner = connection.planner(catalog)
    }

    private func adopt(_ fresh: UpstreamCatalog) {
        catalog = fresh
        responses.router.planner = connection.planner(fresh)
    }

    /// Statements after DDL wait for the reload, so a view or column created a moment ago is
    /// resolved and classified.
    private func reloadCatalog() {
        ranDDL = false
        reloadingCatalog = true
        connection.catalog.invalidate()
        connection.catalog.fresh(on: client.eventLoop).whenComplete { [self] result in
            if case .success = result { adopt(connection.catalog.current) }
            reloadingCatalog = false
            drainHeldFrames()
        }
    }

    func upstreamReadComplete() {
        flushClient()
        if !pendingOutcomes.isEmpty && outcomeFlush == nil {
            outcomeFlush = client.eventLoop.scheduleTask(in: Self.outcomeFlushDelay) { [self] in
                outcomeFlush = nil
                let outcomes = takePendingOutcomes()
                if !outcomes.isEmpty { recordInBackground(outcomes) }
            }
        }
    }

    private func flushClient() {
        guard toClient.readableBytes > 0 else { return }
        client.writeAndFlush(toClient, promise: nil)
        toClient = client.allocator.buffer(capacity: 4096)
        // Backpressure: a slow client stops us reading from the server, so memory stays bounded.
        if !client.isWritable { upstream.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
    }

    func clientWritabilityChanged() {
        if client.isWritable { upstream.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in } }
    }

    func upstreamWritabilityChanged() {
        updateClientReads()
    }

    // MARK: - Ending

    func upstreamClosed() {
        flushClient()
        end(reason: "upstream server closed the connection")
    }

    func protocolViolation(_ message: String) {
        failClient(.fatal(code: SQLState.protocolViolation, message: "gatehouse: protocol violation: \(message)"),
                   reason: "protocol violation: \(message)")
    }

    /// Tells the client why, then ends the session; the client is closed once the error is out.
    func failClient(_ error: ErrorFields, reason: String) {
        guard !ended else { return }
        flushClient()
        var out = client.allocator.buffer(capacity: 128)
        BackendMessage.error(error).write(into: &out)
        let client = self.client
        client.writeAndFlush(out).whenComplete { _ in client.close(promise: nil) }
        end(reason: reason, closeClient: false)
    }

    /// Ends the session once: both sides closed, unanswered statements and the end on record.
    func end(reason: String, closeClient: Bool = true) {
        guard !ended else { return }
        ended = true
        if let cancelKey { gateway.cancels.unregister(cancelKey) }
        if let upstreamProcessID { gateway.personalNotifiers.remove(upstreamProcessID) }
        var events = takePendingOutcomes()
        events += tracker.abandonAll().map { event(.outcome($0)) }
        if let approval = pendingApproval {
            // The client went away while its statement waited: the request is withdrawn.
            pendingApproval = nil
            _ = gateway.approvals.cancel(approval.id)
            events.append(event(.approval(.init(step: .cancelled, requestID: approval.id, statementIDs: []))))
        }
        events.append(event(.sessionEnd(.init(reason: reason, statements: nextStatementID - 1))))
        recordInBackground(events)
        upstream.close(promise: nil)
        if closeClient { client.close(promise: nil) }
        logger.info("session ended", metadata: ["reason": "\(reason)"])
    }

    /// A statement names a relation nobody here knows (created out of band, or by another
    /// session, since the catalog was read): the catalog is read again before the statement is
    /// decided, rather than a human asked. Returns true when the frame will be handled again
    /// once the catalog is read (once: what is still unknown then is held as personal data).
    private func lookUpUnknownRelations(_ analyses: [StatementAnalysis], then frame: PostgresFrame) -> Bool {
        defer { lookedUpUnknownRelations = false }
        let now = NIODeadline.now()
        guard !lookedUpUnknownRelations, !connection.classification.isEmpty,
              lastCatalogLookup.map({ now - $0 >= Self.catalogLookupInterval }) ?? true,
              !connection.approvalTrigger(catalog, createdBySession: createdRelations).unknownRelations(analyses).isEmpty
        else { return false }
        lastCatalogLookup = now
        reloadingCatalog = true
        let loop = client.eventLoop
        connection.catalog.freshAfterMiss(on: loop).whenComplete { [self] result in
            // Always later, never inside this frame's handling (a recent catalog answers at once).
            loop.execute { [self] in
                if case .success = result { adopt(connection.catalog.current) }
                reloadingCatalog = false
                guard !ended else { return }
                lookedUpUnknownRelations = true
                heldFrames.prepend(frame)
                drainHeldFrames()
            }
        }
        return true
    }

    /// A cancel request for this session: a statement held for approval is withdrawn (the
    /// request is recorded as cancelled and the client gets 57014, as from the server).
    func cancelHeldStatement() {
        guard !ended, let approval = pendingApproval else { return }
        gateway.approvals.cancel(approval.id)
    }

    private func takePendingOutcomes() -> [GatehouseEvent] {
        outcomeFlush?.cancel()
        outcomeFlush = nil
        defer { pendingOutcomes = [] }
        return pendingOutcomes
    }

    private func recordInBackground(_ events: [GatehouseEvent]) {
        gateway.record(events, on: client.eventLoop).whenFailure { [logger] error in
            logger.error("cannot record session events", metadata: ["error": "\(error)"])
        }
    }
}
