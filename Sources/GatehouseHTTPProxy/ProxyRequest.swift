import Hummingbird
import NIOCore

/// What an adapter hands the proxy core: the request to send upstream, path relative to the
/// endpoint's base. Headers are the client's as received; `ProxyHeaders` cleans them on the way out.
public struct ProxyRequest: Sendable {
    public enum Body: Sendable {
        case none
        /// A body the adapter already read (e.g. to parse a git push).
        case buffer(ByteBuffer)
        /// A body streamed through; `length` nil means unknown (sent chunked).
        case stream(ProxyBodyStream, length: Int?)

        public static func streaming<Bytes: AsyncSequence & Sendable>(_ bytes: Bytes, length: Int?) -> Body
        where Bytes.Element == ByteBuffer {
            .stream(ProxyBodyStream(bytes), length: length)
        }
    }

    public var method: HTTPRequest.Method
    /// Raw (percent-encoded) path relative to the endpoint's base path.
    public var path: String
    /// Raw (percent-encoded) query, without "?".
    public var query: String?
    public var headers: HTTPFields
    public var body: Body
    /// Who the client is, for `X-Forwarded-For`/`-Proto` when the forwarder is configured to add them.
    public var client: ForwardedClient?

    public init(
        method: HTTPRequest.Method, path: String, query: String? = nil, headers: HTTPFields = [:],
        body: Body = .none, client: ForwardedClient? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.client = client
    }

    /// The client's request with its body streamed through (length from `Content-Length` when sent).
    /// `path` defaults to the request's own path; adapters usually pass the part after their prefix.
    public init(streaming request: Request, path: String? = nil, client: ForwardedClient? = nil) {
        let length = request.headers[.contentLength].flatMap { Int($0) }
        let body: Body = request.hasBody(length: length) ? .streaming(request.body, length: length) : .none
        self.init(
            method: request.method, path: path ?? request.uri.path, query: request.uri.query,
            headers: request.headers, body: body, client: client)
    }

    /// The client's request with its body read into memory, refusing (413) more than `limit` bytes:
    /// early when `Content-Length` says so, otherwise as soon as the stream passes the limit.
    public static func buffering(
        from request: Request, path: String? = nil, limit: Int, client: ForwardedClient? = nil
    ) async throws -> ProxyRequest {
        var proxied = ProxyRequest(streaming: request, path: path, client: client)
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw ProxyError.requestBodyTooLarge(limit: limit)
        }
        let collected = try await request.body.collect(limit: limit, orThrow: .requestBodyTooLarge(limit: limit))
        proxied.body = request.hasBody(length: nil) || collected.readableBytes > 0 ? .buffer(collected) : .none
        return proxied
    }
}

/// The client as seen by the gateway, for `X-Forwarded-For` and `X-Forwarded-Proto`.
public struct ForwardedClient: Sendable, Equatable {
    public var address: String
    public var proto: String

    public init(address: String, proto: String) {
        self.address = address
        self.proto = proto
    }
}

extension Request {
    /// Whether the client sent a body at all (a declared length, or chunked framing).
    fileprivate func hasBody(length: Int?) -> Bool {
        if let length { return length > 0 }
        return headers[.transferEncoding] != nil
    }
}
