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
        let query = InProcessQuery(sql: sql, rowLimit: rowLimit, byteLimit: byteLimit, onNotice: onNotice, result: promise)
        channel.writeAndFlush(InProcessRequest.query(query)).whenFailure { promise.fail($0) }
        return try await promise.futureResult.get()
    }

    /// Ends the session (a statement still held for approval is withdrawn by the gateway).
    public func close() {
        let channel = self.channel
        channel.writeAndFlush(InProcessRequest.terminate).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// What one simple query answered.
public struct SimpleQueryResult: Sendable, Equatable {
    /// The column names of the first result set (empty for a statement without rows).
    public var columns: [String] = []
    /// Rows of the first result set, values as text (nil for SQL NULL), up to the limits.
    public var rows: [[String?]] = []
    /// Rows the server sent, kept or not.
    public var rowCount = 0
    /// The last CommandComplete tag (`SELECT 3`, `INSERT 0 1`).
    public var commandTag: String?
    /// The error that ended the query, if any.
    public var error: ErrorFields?

    /// Whether the limits left rows out.
    public var truncated: Bool { rowCount > rows.count }

    public init(columns: [String] = [], rows: [[String?]] = [], rowCount: Int = 0, commandTag: String? = nil, error: ErrorFields? = nil) {
        self.columns = columns
        self.rows = rows
        self.rowCount = rowCount
        self.commandTag = commandTag
        self.error = error
    }
}

/// What the session's owner sends down the channel.
enum InProcessRequest {
    case query(InProcessQuery)
    /// Terminate, as a client ending its session politely.
    case terminate
}

/// A query handed to `InProcessQueryHandler` down the channel.
struct InProcessQuery {
    let sql: String
    let rowLimit: Int
    let byteLimit: Int
    let onNotice: @Sendable (ErrorFields) -> Void
    let result: EventLoopPromise<SimpleQueryResult>
}

/// The client end of an in-process session, after login: one query at a time.
final class InProcessQueryHandler: ChannelDuplexHandler {
    typealias InboundIn = PostgresFrame
    typealias OutboundIn = InProcessRequest
    typealias OutboundOut = ByteBuffer

    private var current: (query: InProcessQuery, answer: SimpleQueryResult, bytes: Int, sawRows: Bool)?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let query: InProcessQuery
        switch unwrapOutboundIn(data) {
        case .terminate:
            var out = context.channel.allocator.buffer(capacity: 5)
            FrontendMessage.terminate().write(into: &out)
            context.write(wrapOutboundOut(out), promise: promise)
            return
        case .query(let asked):
            query = asked
        }
        guard current == nil else {
            query.result.fail(InProcessSessionError("a query is already running on this session"))
            promise?.succeed(())
            return
        }
        current = (query, SimpleQueryResult(), 0, false)
        var out = context.channel.allocator.buffer(capacity: query.sql.utf8.count + 8)
        FrontendMessage.query(query.sql).write(into: &out)
        context.write(wrapOutboundOut(out), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard var state = current else { return }
        switch frame.type {
        case BackendMessage.rowDescriptionType where !state.sawRows:
            state.answer.columns = (try? BackendMessage.readRowDescription(frame.body).map(\.name)) ?? []
        case BackendMessage.dataRowType:
            state.sawRows = true
            state.answer.rowCount += 1
            let size = frame.body.readableBytes
            if state.answer.rows.count < state.query.rowLimit, state.bytes + size <= state.query.byteLimit {
                state.answer.rows.append(BackendMessage.readDataRowText(frame.body))
                state.bytes += size
            }
        case BackendMessage.commandCompleteType:
            state.answer.commandTag = BackendMessage.readCommandTag(frame.body)
        case BackendMessage.errorType:
            state.answer.error = ErrorFields.decode(frame.body)
        case BackendMessage.noticeType:
            state.query.onNotice(ErrorFields.decode(frame.body))
        case BackendMessage.copyInResponseType:
            // Nothing to copy from: the server is told so and answers with an error.
            var out = context.channel.allocator.buffer(capacity: 64)
            var body = ByteBuffer()
            body.writeNullTerminatedString("COPY FROM STDIN has no input here")
            PostgresFrame(type: UInt8(ascii: "f"), body: body).write(into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case BackendMessage.readyForQueryType:
            current = nil
            state.query.result.succeed(state.answer)
            return
        default:
            break
        }
        current = state
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let state = current {
            current = nil
            // A FATAL error (an expired token, the gateway stopping) ends the session: that is the answer.
            if state.answer.error != nil {
                state.query.result.succeed(state.answer)
            } else {
                state.query.result.fail(InProcessSessionError("the gateway ended the session"))
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        current?.query.result.fail(error)
        current = nil
        context.close(promise: nil)
    }
}

public struct InProcessSessionError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
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
                try clientEnd.pipeline.syncOperations.addHandler(InProcessQueryHandler())
            }.get()
        } catch {
            clientEnd.close(promise: nil)
            throw error
        }
        return InProcessPostgresSession(channel: clientEnd, id: sessionID)
    }
}
