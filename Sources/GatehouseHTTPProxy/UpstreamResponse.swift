import AsyncHTTPClient
import Hummingbird
import NIOCore

/// The upstream's answer: status, cleaned headers (see `ProxyHeaders.clientResponseHeaders`) and
/// the body still streaming from the upstream. Consume the body exactly once: stream it to the
/// client with `response()`, read it with `collectBody(upTo:)`, or iterate `body` yourself.
public struct UpstreamResponse: Sendable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var body: HTTPClientResponse.Body
    /// The upstream host, for error messages.
    public let host: String

    public init(status: HTTPResponse.Status, headers: HTTPFields, body: HTTPClientResponse.Body, host: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.host = host
    }

    /// Reads the whole body, refusing (`ProxyError.upstreamResponseTooLarge`, 502) more than `limit` bytes.
    public func collectBody(upTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(limit: limit, expected: headers[.contentLength].flatMap(Int.init),
                                          orThrow: .upstreamResponseTooLarge(host: host, limit: limit))
        } catch {
            throw ProxyError.classify(error, host: host)
        }
    }

    /// A Hummingbird response streaming the upstream body to the client as it arrives (pulled, so
    /// a slow client slows the upstream read). A failure mid-body closes the client connection.
    public func response() -> Response {
        Response(status: status, headers: headers, body: ResponseBody(asyncSequence: body))
    }
}
