import Foundation
import GatehousePostgresWire
import NIOCore
import NIOPosix

/// A PostgreSQL session the gateway opens on itself for an in-process client (the MCP endpoint,
/// docs/mcp.md). Its two ends are a socket pair that never leaves the process, and the gateway's
/// end is an ordinary client connection: the token is validated, the statement analysed, held,
/// masked and recorded exactly as a psql session's would be. Nothing here decides anything.
public final class InProcessPostgresSession: Sendable {
    private let channel: Channel
    /// The gateway session's ID: the `sessionID` of everything it records.
    public let id: String

    init(channel: Channel, id: String) {
        self.channel = channel
        self.id = id
    }

    /// Runs `sql` with the simple query protocol (as psql does) and collects the answer: at most
    /// `rowLimit` rows and `byteLimit` bytes of values are kept, the rest only counted. Notices
    /// reach `onNotice` as they arrive (a held statement's GH004 notice comes long before its rows).
    public func query(_ sql: String, rowLimit: Int, byteLimit: Int = 4 << 20,
                      onNotice: @escaping @Sendable (ErrorFields) -> Void = { _ in }) async throws -> SimpleQueryResult {
        let promise = channel.eventLoop.makePromise(of: SimpleQueryResult.self)
        let query = SimpleQuery(sql: sql, rowLimit: rowLimit, byteLimit: byteLimit, onNotice: onNotice, result: promise)
        channel.writeAndFlush(SimpleQueryRequest.query(query)).whenFailure { promise.fail($0) }
        return try await promise.futureResult.get()
    }

    /// Ends the session (a statement still held for approval is withdrawn by the gateway).
    public func close() {
        let channel = self.channel
        channel.writeAndFlush(SimpleQueryRequest.terminate).whenComplete { _ in channel.close(promise: nil) }
    }
}

extension PostgresGateway {
    /// Opens a session on connection `connection` as the holder of `token`, over a socket pair
    /// inside this process. `clientLabel` is recorded as the client address (`mcp`), and
    /// `applicationName` as the client application. A refused login throws `UpstreamLoginError`
    /// with the gateway's own FATAL error in `serverError`.
    public func openInProcessSession(connection: String, user: String, token: String, applicationName: String, clientLabel: String,
                                     on eventLoop: EventLoop) async throws -> InProcessPostgresSession {
        // In-process sessions count against the listener's limit: they reach the upstream too.
        let slots = self.slots.withLockedValue { $0 }
        if let slots, !slots.acquire() {
            throw UpstreamLoginError("too many clients", serverError: .fatal(code: SQLState.tooManyConnections,
                                                                             message: "gatehouse: sorry, too many clients already (limit \(slots.limit))"))
        }
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            slots?.release()
            throw InProcessSessionError("cannot open an in-process session: socketpair failed (errno \(errno))")
        }
        let maxMessageBytes = listener.maxMessageBytes
        let sessionID = UUID().uuidString.lowercased()
        let gatewayEnd: Channel
        do {
            gatewayEnd = try await ClientBootstrap(group: eventLoop)
                .channelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrontendPacketDecoder(maxMessageBytes: maxMessageBytes)))
                        try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(gateway: self, inProcessClient: clientLabel,
                                                                                                   sessionID: sessionID))
                    }
                }
                .withConnectedSocket(fds[0]).get()
        } catch {
            close(fds[0])
            close(fds[1])
            slots?.release()
            throw error
        }
        gatewayEnd.closeFuture.whenComplete { _ in slots?.release() }
        let loggedIn = eventLoop.makePromise(of: UpstreamSession.self)
        let machine = UpstreamLoginStateMachine(user: user, database: connection, password: token, applicationName: applicationName)
        let timeout = listener.authenticationTimeoutSeconds
        let clientEnd: Channel
        do {
            clientEnd = try await ClientBootstrap(group: eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            UpstreamLoginHandler(machine: machine, tls: nil, timeoutSeconds: timeout, loggedIn: loggedIn))
                    }
                }
                .withConnectedSocket(fds[1]).get()
        } catch {
            close(fds[1])
            gatewayEnd.close(promise: nil)
            loggedIn.fail(error)
            throw error
        }
        do {
            _ = try await loggedIn.futureResult.get()
            try await clientEnd.eventLoop.submit {
                try clientEnd.pipeline.syncOperations.addHandler(ByteToMessageHandler(PostgresFrameDecoder(maxMessageBytes: 64 << 20)))
                try clientEnd.pipeline.syncOperations.addHandler(SimpleQueryHandler())
            }.get()
        } catch {
            clientEnd.close(promise: nil)
            throw error
        }
        return InProcessPostgresSession(channel: clientEnd, id: sessionID)
    }
}

public struct InProcessSessionError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
