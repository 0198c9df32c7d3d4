import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Sends a `ProxyRequest` to an upstream over one shared `HTTPClient` (which its owner shuts
/// down) and hands back the response head with its body still streaming.
public struct HTTPForwarder: Sendable {
    public struct Configuration: Sendable {
        /// Set `X-Forwarded-For`/`X-Forwarded-Proto` from `ProxyRequest.client`. Off by default:
        /// the client's own `X-Forwarded-*` and `Forwarded` headers are always dropped.
        public var addForwardedHeaders: Bool

        public init(addForwardedHeaders: Bool = false) {
            self.addForwardedHeaders = addForwardedHeaders
        }
    }

    public let client: HTTPClient
    public let configuration: Configuration
    private let logger: Logger

    public init(client: HTTPClient, configuration: Configuration = .init(), logger: Logger = Logger(label: "gatehouse.http-proxy")) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// The client configuration a proxy needs: redirects passed through to the client (never
    /// followed, so a credential never follows one), no decompression, bounded connect and idle reads.
    public static func clientConfiguration(
        tls: TLSConfiguration? = nil, connectTimeout: TimeAmount = .seconds(10), idleReadTimeout: TimeAmount? = .seconds(300)
    ) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: connectTimeout, read: idleReadTimeout), decompression: .disabled)
        configuration.httpVersion = .http1Only
        return configuration
    }

    /// Forwards `request` to `endpoint`. `timeout` bounds the wait for the response head (504 when
    /// exceeded); the body then streams for as long as it takes, bounded by the client's idle read timeout.
    /// Throws `ProxyError` (see `ProxyError.status`) or `CancellationError`.
    public func forward(_ request: ProxyRequest, to endpoint: UpstreamEndpoint, timeout: Duration) async throws -> UpstreamResponse {
        var upstream = HTTPClientRequest(url: try endpoint.url(path: request.path, query: request.query))
        upstream.method = HTTPMethod(rawValue: request.method.rawValue)
        upstream.headers = ProxyHeaders.upstreamRequestHeaders(
            from: request.headers, endpoint: endpoint, forwarded: configuration.addForwardedHeaders ? request.client : nil)
        switch request.body {
        case .none: break
        case .buffer(let buffer): upstream.body = .bytes(buffer)
        case .stream(let stream, let length):
            upstream.body = .stream(stream, length: length.map { .known(Int64($0)) } ?? .unknown)
        }
        logger.debug("forwarding", metadata: ["method": "\(request.method)", "upstream": "\(endpoint.baseURL)", "path": "\(request.path)"])
        do {
            let response = try await client.execute(upstream, deadline: .now() + TimeAmount(timeout), logger: logger)
            logger.debug("upstream answered", metadata: ["upstream": "\(endpoint.baseURL)", "status": "\(response.status.code)"])
            return UpstreamResponse(
                status: HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
                headers: ProxyHeaders.clientResponseHeaders(from: response.headers), body: response.body, host: endpoint.host)
        } catch {
            let mapped = ProxyError.classify(error, host: endpoint.host)
            logger.info("forwarding failed", metadata: ["upstream": "\(endpoint.baseURL)", "error": "\(mapped)"])
            throw mapped
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
