import GatehousePostgresWire
import NIOCore

/// Answers a client that arrived when every connection slot was taken: an error it can show
/// (libpq prints it whether it sent an SSLRequest or a startup), then close.
final class TooManyClientsHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let limit: Int

    init(limit: Int) { self.limit = limit }

    func channelActive(context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: 128)
        BackendMessage.error(.fatal(code: SQLState.tooManyConnections,
                                    message: "gatehouse: sorry, too many clients already (limit \(limit))")).write(into: &out)
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
