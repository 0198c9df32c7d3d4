import GatehouseIdentity
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// Gatehouse's HTTP listener. Today it serves the dev issuer's discovery document and JWKS (so
/// dev tokens are validated by the same path as production ones), a health check and, when
/// `approvals` is set, the approvals REST API under `/api/v1` (see `ApprovalAPI`).
public struct WebServer: Sendable {
    public var address: String
    public var port: Int
    public var tls: TLSConfiguration?
    public var devIssuer: DevIssuer?
    /// The approvals REST API; its routes are registered only when set.
    public var approvals: ApprovalAPI?
    public var logger: Logger

    public init(
        address: String, port: Int, tls: TLSConfiguration?, devIssuer: DevIssuer?, logger: Logger,
        approvals: ApprovalAPI? = nil
    ) {
        self.address = address
        self.port = port
        self.tls = tls
        self.devIssuer = devIssuer
        self.approvals = approvals
        self.logger = logger
    }

    /// The path prefix the dev issuer lives under; its issuer URL ends with it.
    public static let devIssuerPath = "/dev-issuer"

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in "ok\n" }
        if let devIssuer {
            router.get("\(Self.devIssuerPath)/.well-known/openid-configuration") { _, _ in
                Self.json(devIssuer.discoveryDocument())
            }
            router.get("\(Self.devIssuerPath)/jwks") { _, _ in
                Self.json(devIssuer.jwksDocument())
            }
        }
        approvals?.register(on: router)
        return router
    }

    private static func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Runs until the surrounding task is cancelled; `onRunning` receives the bound port.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        let configuration = ApplicationConfiguration(address: .hostname(address, port: port), serverName: "gatehouse")
        let onServerRunning: @Sendable (any Channel) async -> Void = { channel in
            await onRunning(channel.localAddress?.port ?? 0)
        }
        if let tls {
            let app = Application(router: makeRouter(), server: try .tls(.http1(), tlsConfiguration: tls),
                                  configuration: configuration, onServerRunning: onServerRunning, logger: logger)
            try await app.run()
        } else {
            let app = Application(router: makeRouter(), configuration: configuration, onServerRunning: onServerRunning, logger: logger)
            try await app.run()
        }
    }
}
