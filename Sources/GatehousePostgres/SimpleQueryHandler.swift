import GatehousePostgresWire
import NIOCore

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

/// What the owner of a logged-in connection sends `SimpleQueryHandler` down the channel.
enum SimpleQueryRequest {
    case query(SimpleQuery)
    /// Terminate, as a client ending its session politely.
    case terminate
}

/// A query handed to `SimpleQueryHandler` down the channel.
struct SimpleQuery {
    let sql: String
    let rowLimit: Int
    let byteLimit: Int
    let onNotice: @Sendable (ErrorFields) -> Void
    let result: EventLoopPromise<SimpleQueryResult>
}

/// Runs simple-protocol queries on a logged-in connection, one at a time, and collects each
/// answer: the gateway's catalog reads upstream (`UpstreamConnector.query`) and the client end of
/// an in-process session (`InProcessPostgresSession`).
final class SimpleQueryHandler: ChannelDuplexHandler {
    typealias InboundIn = PostgresFrame
    typealias OutboundIn = SimpleQueryRequest
    typealias OutboundOut = ByteBuffer

    private var current: (query: SimpleQuery, answer: SimpleQueryResult, bytes: Int, sawRows: Bool)?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let query: SimpleQuery
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
            query.result.fail(ProtocolViolation("a query is already running on this connection"))
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
            // A FATAL error (an expired token, the server stopping) ends the session: that is the answer.
            if state.answer.error != nil {
                state.query.result.succeed(state.answer)
            } else {
                state.query.result.fail(ProtocolViolation("the server closed the connection before answering"))
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
