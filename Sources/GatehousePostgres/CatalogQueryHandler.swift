import GatehousePostgresWire
import NIOCore

/// Runs one simple-protocol query on a logged-in upstream connection of the gateway's own and
/// collects the rows as text. Used to read the catalog (view definitions).
final class CatalogQueryHandler: ChannelInboundHandler {
    typealias InboundIn = PostgresFrame
    typealias OutboundOut = ByteBuffer

    private let sql: String
    private let result: EventLoopPromise<[[String?]]>
    private var rows: [[String?]] = []
    private var failure: Error?

    init(sql: String, result: EventLoopPromise<[[String?]]>) {
        self.sql = sql
        self.result = result
    }

    func handlerAdded(context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: sql.utf8.count + 8)
        FrontendMessage.query(sql).write(into: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.type {
        case UInt8(ascii: "D"):
            rows.append(BackendMessage.readDataRowText(frame.body))
        case BackendMessage.errorType:
            failure = ProtocolViolation("catalog query failed: \(ErrorFields.decode(frame.body).message)")
        case BackendMessage.readyForQueryType:
            if let failure { result.fail(failure) } else { result.succeed(rows) }
            var out = context.channel.allocator.buffer(capacity: 5)
            FrontendMessage.terminate().write(into: &out)
            context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in context.close(promise: nil) }
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        result.fail(ProtocolViolation("the upstream server closed the catalog connection"))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        result.fail(error)
        context.close(promise: nil)
    }
}
