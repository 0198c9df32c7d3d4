import Foundation
import GatehouseCore
import GatehouseIdentity
import GatehousePostgresWire
import Logging
import NIOCore
import NIOSSL

/// One client connection up to the moment it is relayed: encryption negotiation, startup, the
/// token (sent as the cleartext password), the access decision and the upstream login. After
/// that it hands every frame to its `PostgresSession`.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = FrontendPacket
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case awaitingStartup
        case awaitingToken(connection: String, parameters: [String: String])
        case authenticating
        case relaying(PostgresSession)
        case closed
    }

    private let gateway: PostgresGateway
    private let sessionID: String
    private var phase: Phase = .awaitingStartup
    private var isEncrypted = false
    private var clientAddress: String?
    /// Frames a client pipelined behind its password, replayed once the session relays.
    private var earlyFrames: [PostgresFrame] = []
    private var earlyFrameBytes = 0
    /// Closes the connection unless the client is signed in by then.
    private var authenticationDeadline: Scheduled<Void>?
    private var logger: Logger
    /// Set for a session of the gateway's own (`PostgresGateway.openInProcessSession`): what is
    /// recorded as its client address. Its socket never leaves the process, so the token it sends
    /// needs no TLS.
    private let inProcessClient: String?

    init(gateway: PostgresGateway, inProcessClient: String? = nil, sessionID: String = UUID().uuidString.lowercased()) {
        self.gateway = gateway
        self.sessionID = sessionID
        self.inProcessClient = inProcessClient
        self.logger = gateway.logger
        logger[metadataKey: "session"] = "\(sessionID)"
    }

    func channelActive(context: ChannelHandlerContext) {
        clientAddress = inProcessClient ?? context.channel.remoteAddress?.ipAddress
        let seconds = gateway.listener.authenticationTimeoutSeconds
        let handler = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        authenticationDeadline = context.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
            let (this, context) = handler.value
            switch this.phase {
            case .relaying, .closed: return
            case .awaitingStartup, .awaitingToken, .authenticating:
                this.logger.info("closing client connection", metadata: ["reason": "authentication timeout"])
                this.refuse(.fatal(code: SQLState.queryCanceled, message: "gatehouse: canceling authentication due to timeout (\(seconds) s)"),
                            context: context)
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .startup(let packet):
            startupPacket(packet, context: context)
        case .frame(let frame):
            switch phase {
            case .relaying(let session):
                session.clientFrame(frame)
            case .awaitingToken(let connection, let parameters) where frame.type == FrontendMessage.passwordType:
                phase = .authenticating
                let token: String
                do { token = try FrontendMessage.readPassword(frame.body) } catch {
                    refuse(ErrorFields.fatal(code: SQLState.protocolViolation, message: "gatehouse: \(error)"), context: context)
                    return
                }
                authenticate(token: token, connectionName: connection, parameters: parameters, context: context)
            case .authenticating:
                // Before sign-in a client gets no more buffer than one token message's worth.
                earlyFrameBytes += frame.body.readableBytes + 5
                guard earlyFrameBytes <= FrontendPacketDecoder.maxTokenMessageBytes else {
                    refuse(ErrorFields.fatal(code: SQLState.protocolViolation,
                                             message: "gatehouse: too much data sent before authentication completed"), context: context)
                    return
                }
                earlyFrames.append(frame)
            default:
                refuse(ErrorFields.fatal(code: SQLState.protocolViolation,
                                         message: "gatehouse: unexpected message '\(frame.typeCharacter)' before authentication"), context: context)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .relaying(let session) = phase { session.clientReadComplete() }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .relaying(let session) = phase { session.clientWritabilityChanged() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        authenticationDeadline?.cancel()
        if case .relaying(let session) = phase { session.end(reason: "client disconnected") }
        phase = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let message: String
        switch error {
        case let violation as ProtocolViolation: message = "gatehouse: protocol violation: \(violation)"
        case let decoding as ByteToMessageDecoderError: message = "gatehouse: protocol violation: \(decoding)"
        case is NIOSSLError: message = "gatehouse: TLS error"
        default: message = "gatehouse: connection error"
        }
        logger.info("closing client connection", metadata: ["reason": "\(message)"])
        if case .relaying(let session) = phase {
            phase = .closed
            session.failClient(ErrorFields.fatal(code: SQLState.protocolViolation, message: message), reason: message)
        } else {
            refuse(ErrorFields.fatal(code: SQLState.protocolViolation, message: message), context: context)
        }
    }

    // MARK: - Startup

    private func startupPacket(_ packet: StartupPacket, context: ChannelHandlerContext) {
        guard case .awaitingStartup = phase else {
            refuse(ErrorFields.fatal(code: SQLState.protocolViolation, message: "gatehouse: unexpected startup packet"), context: context)
            return
        }
        switch packet {
        case .sslRequest:
            guard let tls = gateway.serverTLS, !isEncrypted else {
                writeRaw(UInt8(ascii: "N"), context: context)
                return
            }
            writeRaw(UInt8(ascii: "S"), context: context)
            do {
                try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
                isEncrypted = true
            } catch {
                context.close(promise: nil)
            }
        case .gssEncryptionRequest:
            writeRaw(UInt8(ascii: "N"), context: context)
        case .cancel(let key):
            forwardCancel(key, context: context)
        case .startup(let parameters):
            guard isEncrypted || gateway.acceptsCleartextToken || inProcessClient != nil else {
                refuse(.fatal(code: SQLState.invalidAuthorizationSpecification,
                              message: "gatehouse: refusing to accept a token over a connection without TLS",
                              hint: "Connect with sslmode=require (or stronger)."), context: context)
                return
            }
            guard let connection = parameters["database"] ?? parameters["user"], !connection.isEmpty else {
                refuse(.fatal(code: SQLState.invalidCatalogName, message: "gatehouse: no connection named: set the database name to a Gatehouse connection"), context: context)
                return
            }
            phase = .awaitingToken(connection: connection, parameters: parameters)
            write(BackendMessage.authenticationCleartextPassword(), context: context)
        }
    }

    private func forwardCancel(_ key: BackendKey, context: ChannelHandlerContext) {
        // PostgreSQL sends nothing back on a cancel connection; neither do we, whatever happens.
        if let target = gateway.cancels.target(for: key) {
            target.cancelHeld()
            target.connector.cancel(target.upstreamKey, on: context.eventLoop).whenFailure { [logger] error in
                logger.warning("could not forward a cancel request", metadata: ["error": "\(error)"])
            }
        }
        phase = .closed
        context.close(promise: nil)
    }

    // MARK: - Authentication and upstream login

    private func authenticate(token: String, connectionName: String, parameters: [String: String], context: ChannelHandlerContext) {
        let eventLoop = context.eventLoop
        let validation = eventLoop.makePromise(of: ValidatedToken.self)
        let validator = gateway.validator
        if token.isEmpty {
            validation.fail(EmptyToken())
        } else {
            validation.completeWithTask { try await validator.validatedToken(token) }
        }
        validation.futureResult.whenComplete { [self] result in
            guard case .authenticating = phase else { return }
            switch result {
            case .failure(let error):
                let reason = error is EmptyToken ? "no token: send your OIDC access token as the password" : "\(error)"
                refuseRecorded(principal: nil, connection: connectionName, parameters: parameters, reason: "token rejected: \(reason)",
                               code: SQLState.invalidPassword, context: context)
            case .success(let validated):
                admit(validated.principal, tokenExpiresAt: validated.expiresAt, connectionName: connectionName, parameters: parameters,
                      context: context)
            }
        }
    }

    private func admit(_ principal: Principal, tokenExpiresAt: Date, connectionName: String, parameters: [String: String],
                       context: ChannelHandlerContext) {
        guard let connection = gateway.connections[connectionName] else {
            refuseRecorded(principal: principal, connection: connectionName, parameters: parameters,
                           reason: "unknown connection '\(connectionName)'", code: SQLState.invalidCatalogName, context: context)
            return
        }
        if case .deny(let reason) = connection.policy.admit(principal) {
            refuseRecorded(principal: principal, connection: connectionName, parameters: parameters,
                           reason: reason, code: SQLState.invalidAuthorizationSpecification, context: context)
            return
        }
        // The client is someone now: the upstream login has a timeout of its own.
        authenticationDeadline?.cancel()
        // Write-ahead: the accepted authentication is on record before anything reaches upstream.
        let accepted = authenticationEvent(principal: principal, connection: connectionName, parameters: parameters, reason: nil)
        gateway.record([accepted], on: context.eventLoop).flatMap { [self] () -> EventLoopFuture<(Channel, UpstreamSession)> in
            connection.connector.connect(on: context.eventLoop, applicationName: "gatehouse session \(sessionID)")
        }.flatMap { upstream in
            // Views are resolved, and columns classified, from a catalog snapshot no older than a minute.
            connection.catalog.fresh(on: context.eventLoop).map { catalog in (upstream.0, upstream.1, catalog) }
        }.whenComplete { [self] result in
            switch result {
            case .failure(let error):
                let message = error is RecordingError ? "gatehouse: cannot record the session, so it is refused" : "gatehouse: \(error)"
                logger.warning("session refused after authentication", metadata: ["connection": "\(connectionName)", "error": "\(error)"])
                recordSessionEnd(reason: message, principal: principal, connection: connectionName, context: context)
                refuse(.fatal(code: SQLState.sqlClientUnableToEstablishConnection, message: message), context: context)
            case .success(let (upstream, upstreamSession, catalog)):
                guard case .authenticating = phase else {
                    // The client left while we logged in upstream: close that, and end the record.
                    upstream.close(promise: nil)
                    recordSessionEnd(reason: "client disconnected during login", principal: principal, connection: connectionName, context: context)
                    return
                }
                startRelay(principal: principal, tokenExpiresAt: tokenExpiresAt, connection: connection,
                           applicationName: parameters["application_name"], upstream: upstream,
                           upstreamSession: upstreamSession, catalog: catalog, context: context)
            }
        }
    }

    private func startRelay(principal: Principal, tokenExpiresAt: Date, connection: PostgresGateway.Connection, applicationName: String?,
                            upstream: Channel,
                            upstreamSession: UpstreamSession, catalog: UpstreamCatalog, context: ChannelHandlerContext) {
        if let reason = upstreamSession.parameters.lazy.compactMap(PostgresSession.unsupportedParameter).first {
            upstream.close(promise: nil)
            logger.warning("session refused: unsupported upstream setting", metadata: ["connection": "\(connection.name)"])
            recordSessionEnd(reason: reason, principal: principal, connection: connection.name, context: context)
            refuse(.fatal(code: SQLState.featureNotSupported, message: "gatehouse: \(reason); the connection's database or role must keep it on"),
                   context: context)
            return
        }
        let problems = connection.backstopProblems(catalog)
        if !problems.isEmpty {
            // Fail closed: without the backstop the analysis would be the only layer, and nobody chose that.
            upstream.close(promise: nil)
            logger.error("session refused: the upstream role does not hold the database backstop",
                         metadata: ["connection": "\(connection.name)", "problems": "\(problems.joined(separator: "; "))"])
            let reason = "connection '\(connection.name)' is not served: its upstream role can reach personal data without approval"
            recordSessionEnd(reason: reason, principal: principal, connection: connection.name, context: context)
            refuse(.fatal(code: SQLState.insufficientPrivilege, message: "gatehouse: \(reason)",
                          hint: "An administrator runs `gatehouse check-config` and `gatehouse db-setup` (docs/security.md)."),
                   context: context)
            return
        }
        let session = PostgresSession(
            id: sessionID, principal: principal, tokenExpiresAt: tokenExpiresAt, connection: connection, applicationName: applicationName,
            gateway: gateway,
            client: context.channel, upstream: upstream, catalog: catalog, logger: logger)
        do {
            try session.attachToUpstream()
        } catch {
            upstream.close(promise: nil)
            refuse(.fatal(code: SQLState.internalError, message: "gatehouse: cannot start the relay"), context: context)
            return
        }
        // The client sees the gateway's own cancel key, never the upstream's.
        let loop = context.eventLoop
        let held = NIOLoopBound(session, eventLoop: loop)
        let clientKey = upstreamSession.backendKey.map {
            gateway.cancels.register(upstreamKey: $0, connector: connection.connector) { loop.execute { held.value.cancelHeldStatement() } }
        }
        session.cancelKey = clientKey
        session.upstreamProcessID = upstreamSession.backendKey?.processID
        phase = .relaying(session)
        authenticationDeadline?.cancel()

        write(BackendMessage.authenticationOk(), context: context, flush: false)
        for parameter in upstreamSession.parameters {
            write(BackendMessage.parameterStatus(name: parameter.name, value: parameter.value), context: context, flush: false)
        }
        if let clientKey { write(BackendMessage.backendKeyData(clientKey), context: context, flush: false) }
        write(BackendMessage.readyForQuery(.idle), context: context)
        logger.info("session started", metadata: ["connection": "\(connection.name)"])

        let early = earlyFrames
        earlyFrames = []
        for frame in early { session.clientFrame(frame) }
        if !early.isEmpty { session.clientReadComplete() }
    }

    /// The end of a session that never reached the relay (the relay records its own end).
    private func recordSessionEnd(reason: String, principal: Principal, connection: String, context: ChannelHandlerContext) {
        let end = GatehouseEvent(sessionID: sessionID, connection: connection, principal: principal,
                                 payload: .sessionEnd(.init(reason: reason, statements: 0)))
        gateway.record([end], on: context.eventLoop).whenFailure { [logger] error in
            logger.error("cannot record a session end", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Refusals

    private func authenticationEvent(principal: Principal?, connection: String, parameters: [String: String], reason: String?) -> GatehouseEvent {
        GatehouseEvent(sessionID: sessionID, connection: connection, principal: principal, payload: .authentication(.init(
            accepted: reason == nil, reason: reason, clientAddress: clientAddress, clientApplication: parameters["application_name"])))
    }

    /// Records the refusal, then tells the client. The client learns the outcome either way;
    /// the record is best effort here because nothing was let through.
    private func refuseRecorded(principal: Principal?, connection: String, parameters: [String: String], reason: String, code: String, context: ChannelHandlerContext) {
        logger.info("authentication refused", metadata: ["connection": "\(connection)", "sqlstate": "\(code)"])
        let event = authenticationEvent(principal: principal, connection: connection, parameters: parameters, reason: reason)
        gateway.record([event], on: context.eventLoop).whenComplete { [self] _ in
            refuse(.fatal(code: code, message: "gatehouse: \(reason)"), context: context)
        }
    }

    private func refuse(_ fields: ErrorFields, context: ChannelHandlerContext) {
        phase = .closed
        guard context.channel.isActive else { return }
        var out = context.channel.allocator.buffer(capacity: 128)
        BackendMessage.error(fields).write(into: &out)
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in context.close(promise: nil) }
    }

    private func write(_ frame: PostgresFrame, context: ChannelHandlerContext, flush: Bool = true) {
        var out = context.channel.allocator.buffer(capacity: frame.body.readableBytes + 5)
        frame.write(into: &out)
        if flush { context.writeAndFlush(wrapOutboundOut(out), promise: nil) } else { context.write(wrapOutboundOut(out), promise: nil) }
    }

    private func writeRaw(_ byte: UInt8, context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: 1)
        out.writeInteger(byte)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}

private struct EmptyToken: Error {}
