import GatehousePostgresWire
import NIOCore

/// The upstream channel's end of the relay: hands every server frame to the session.
final class UpstreamRelayHandler: ChannelInboundHandler {
    typealias InboundIn = PostgresFrame

    private let session: PostgresSession

    init(session: PostgresSession) { self.session = session }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        session.upstreamFrame(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        session.upstreamReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        session.upstreamWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        session.upstreamClosed()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        session.protocolViolation("the upstream connection failed: \(error)")
    }
}
