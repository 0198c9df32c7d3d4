import Foundation
import GatehouseIdentity
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Gatehouse's HTTP listener. Today it serves the dev issuer's discovery document and JWKS (so
/// dev tokens are validated by the same path as production ones), a health check, the approvals
/// REST API under `/api/v1` (`ApprovalAPI`) and the web UI under `/ui` (`WebUI`) when set.
public struct WebServer: Sendable {
    public var address: String
    public var port: Int
    public var tls: TLSConfiguration?
    public var devIssuer: DevIssuer?
    /// The approvals REST API; its routes are registered only when set.
    public var approvals: ApprovalAPI?
    /// The web UI under `/ui`; its routes are registered only when set.
    public var ui: WebUI?
    /// Further routes served on this listener (the Git gateway under `/git`).
    public var extraRoutes: [@Sendable (Router<GatehouseRequestContext>) -> Void]
    public var logger: Logger
    /// A connection without a complete request this long after connecting (TLS handshake
    /// included) or after its last response is closed.
    public var idleTimeoutSeconds: Int
    /// Connections beyond this wait in the listen backlog.
    public var maxConnections: Int
    /// The client the dev issuer signs humans in for: the web UI's, when it signs in there.
    public var devIssuerClientID: String?
    /// Decides WebSocket upgrades (Kubernetes exec); without it, none is accepted. A request it
    /// does not upgrade goes to the routes like any other.
    public var webSocketUpgrade: WebSocketUpgradeDecider?

    public typealias WebSocketUpgradeDecider = @Sendable (HTTPRequest, any Channel, Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>

    /// The paths `webSocketUpgrade` is asked about; any other upgrade request is answered as a
    /// plain request by the routes (`UpgradeRequestFilter`).
    public var webSocketPaths: @Sendable (String) -> Bool
    /// What `/readyz` checks (absent: it always answers ready once listening).
    public var readiness: (@Sendable () async -> [ReadinessCheck])?
    /// `/metrics` in the Prometheus text format (absent: no such route).
    public var metrics: (@Sendable () -> [UInt8])?
    private let shutdown = ShutdownHandle()

    public init(
        address: String, port: Int, tls: TLSConfiguration?, devIssuer: DevIssuer?, logger: Logger,
        approvals: ApprovalAPI? = nil, ui: WebUI? = nil, extraRoutes: [@Sendable (Router<GatehouseRequestContext>) -> Void] = [],
        idleTimeoutSeconds: Int = 30, maxConnections: Int = 1000, devIssuerClientID: String? = nil,
        webSocketUpgrade: WebSocketUpgradeDecider? = nil, webSocketPaths: @escaping @Sendable (String) -> Bool = { _ in false },
        readiness: (@Sendable () async -> [ReadinessCheck])? = nil, metrics: (@Sendable () -> [UInt8])? = nil
    ) {
        self.readiness = readiness
        self.metrics = metrics
        self.webSocketUpgrade = webSocketUpgrade
        self.webSocketPaths = webSocketPaths
        self.devIssuerClientID = devIssuerClientID
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
        self.address = address
        self.port = port
        self.tls = tls
        self.devIssuer = devIssuer
        self.approvals = approvals
        self.ui = ui
        self.extraRoutes = extraRoutes
        self.logger = logger
    }

    /// ID tokens the dev issuer hands the UI only need to outlive the sign-in itself.
    static let devIDTokenSeconds = 600

    /// The path prefix the dev issuer lives under; its issuer URL ends with it.
    public static let devIssuerPath = "/dev-issuer"

    func makeRouter() -> Router<GatehouseRequestContext> {
        let router = Router(context: GatehouseRequestContext.self)
        if tls == nil { router.middlewares.add(CleartextTransportGuard()) }
        router.get("/healthz") { _, _ in "ok\n" }
        ReadinessRoute.register(on: router, checks: readiness ?? { [] })
        if let metrics {
            // No credential (as /readyz): the figures hold no personal data, no token and no agent-chosen text.
            router.get("/metrics") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics())))
            }
        }
        if let devIssuer {
            // The dev issuer signs humans in only for this gateway's own UI.
            DevIssuerRoutes(issuer: devIssuer, authorizations: DevIssuerAuthorizations(), allowedRedirectURIs: ui.map { [$0.callbackURL] } ?? [],
                            allowedClientID: devIssuerClientID,
                            tokenTTLSeconds: Self.devIDTokenSeconds).register(on: router)
        }
        approvals?.register(on: router)
        ui?.register(on: router)
        for register in extraRoutes { register(router) }
        return router
    }

    /// Runs until the surrounding task is cancelled; `onRunning` receives the bound port.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        let configuration = ApplicationConfiguration(address: .hostname(address, port: port), serverName: "gatehouse",
                                                     availableConnectionsDelegate: MaximumAvailableConnections(maxConnections))
        let onServerRunning: @Sendable (any Channel) async -> Void = { channel in
            await onRunning(channel.localAddress?.port ?? 0)
        }
        // Hummingbird's idle timeout runs from the connection's start and from each response
        // until the next request's head is complete, so it bounds handshakes and slow headers too.
        let http1Configuration = HTTP1Channel.Configuration(additionalChannelHandlers: [HTTPFramingGuardInstaller()],
                                                            idleTimeout: .seconds(Int64(idleTimeoutSeconds)))
        let webSocketPaths = webSocketPaths
        let http1 = webSocketUpgrade.map { decide in
            HTTPServerBuilder { responder in
                FilteredUpgradeChannel(
                    inner: HTTP1WebSocketUpgradeChannel(responder: responder,
                                                        configuration: .init(http1: http1Configuration, ws: .init(maxFrameSize: 1 << 20)),
                                                        shouldUpgrade: decide),
                    upgradeable: webSocketPaths)
            }
        } ?? HTTPServerBuilder.http1(configuration: http1Configuration)
        if let tls {
            try await run(Application(router: makeRouter(), server: try .tls(http1, tlsConfiguration: tls),
                                      configuration: configuration, onServerRunning: onServerRunning, logger: logger))
        } else {
            try await run(Application(router: makeRouter(), server: http1, configuration: configuration, onServerRunning: onServerRunning,
                                      logger: logger))
        }
    }

    /// Stops accepting connections and lets the requests in flight finish; `run` then returns.
    /// (Cancelling `run`'s task stops at once, and Hummingbird logs that as an error.)
    public func shutDownGracefully() async {
        await shutdown.group?.triggerGracefulShutdown()
    }

    /// In a service group of its own, with no signal handlers: the gateway decides when to stop.
    private func run(_ app: some Service) async throws {
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        shutdown.group = group
        try await group.run()
    }
}

/// The running server's service group, for `WebServer.shutDownGracefully`.
private final class ShutdownHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var current: ServiceGroup?
    var group: ServiceGroup? {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}
