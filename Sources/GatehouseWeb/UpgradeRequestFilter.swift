import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Sits between the HTTP/1 request decoder and NIO's upgrade handler and turns an upgrade request
/// the gateway never accepts (SPDY, which kubectl falls back to; a WebSocket anywhere but
/// Kubernetes exec) into a plain request, so the routes answer it with a precise error (a
/// Kubernetes `Status` for kubectl) instead of the bare 400 or closed connection an unmatched
/// upgrade gets. Such a request's connection closes after its answer. On the first upgrade it lets
/// through, it steps out of the pipeline: what follows is the upgrade's, not HTTP.
final class UpgradeRequestFilter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    /// Whether the request's path (without its query) may be upgraded to a WebSocket.
    let upgradeable: @Sendable (String) -> Bool

    init(upgradeable: @escaping @Sendable (String) -> Bool) {
        self.upgradeable = upgradeable
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), head.headers.contains(name: "upgrade") else {
            context.fireChannelRead(data)
            return
        }
        let path = String(head.uri.prefix { $0 != "?" })
        let webSocket = head.headers["upgrade"].contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "websocket" }
        if webSocket && upgradeable(path) {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        head.headers.remove(name: "upgrade")
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

/// Hummingbird's HTTP/1 channel with WebSocket upgrades, with an `UpgradeRequestFilter` in front
/// of NIO's upgrade handler.
struct FilteredUpgradeChannel: ServerChildChannel {
    let inner: HTTP1WebSocketUpgradeChannel
    let upgradeable: @Sendable (String) -> Bool

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1WebSocketUpgradeChannel.Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(UpgradeRequestFilter(upgradeable: upgradeable), position: .after(decoder))
            return value
        }
    }

    func handle(value: HTTP1WebSocketUpgradeChannel.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
