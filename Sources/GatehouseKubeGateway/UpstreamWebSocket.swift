import Foundation
import GatehouseCore
import GatehouseHTTPProxy
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
@_spi(WSInternal) import WSCore

/// The gateway's own WebSocket to the API server for one exec session. Not WSClient: an API
/// server is often reached by IP address (`https://10.0.0.1:6443`), which WSClient sends as the
/// TLS server name and NIOSSL refuses; here an IP address gets no server name, and NIOSSL then
/// checks the certificate against the address itself.
enum UpstreamWebSocket {
    struct Context: WebSocketContext {
        let logger: Logger
    }

    /// The API server did not switch protocols; its status is kept for the message.
    struct NotUpgraded: Error, CustomStringConvertible {
        var description: String { "the API server refused the WebSocket upgrade" }
    }

    private enum Upgrade: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case notUpgraded
    }

    static let maxFrameSize = 1 << 20

    /// Connects to `endpoint` at `target` (path and query), sends `headers` with the upgrade and
    /// runs `handler` on the WebSocket until it returns.
    static func connect(to endpoint: UpstreamEndpoint, target: String, headers: HTTPHeaders, tls: TLSConfiguration?, logger: Logger,
                        handler: @escaping WebSocketDataHandler<Context>) async throws {
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let host = endpoint.host
        let serverName: String? = isIPAddress(host) ? nil : host
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: headers)
        head.headers.replaceOrAdd(name: "Host", value: endpoint.hostHeader)
        let upgrade = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: maxFrameSize) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            .websocket(try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel))
                        }
                    }
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                        upgradeRequestHead: head, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.notUpgraded) })
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
                    // Frames the API server sends right behind its 101 (a fast command's whole
                    // output) arrive in the same read: they must reach the WebSocket, not be dropped.
                    pipeline.leftOverBytesStrategy = .forwardBytes
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                }
            }
        switch try await upgrade.get() {
        case .websocket(let channel):
            _ = try await WebSocketHandler.handle(
                type: .client,
                configuration: .init(extensions: [], autoPing: .disabled, closeTimeout: .seconds(2), validateUTF8: false,
                                     ignoreUncleanSSLShutdownErrors: true,
                                     maxFrameSize: maxFrameSize),
                asyncChannel: channel, context: Context(logger: logger), handler: handler)
        case .notUpgraded:
            throw NotUpgraded()
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
