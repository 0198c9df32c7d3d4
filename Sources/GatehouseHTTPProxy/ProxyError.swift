import Hummingbird

/// A forwarding failure, with the status and text the client gets. Messages name the upstream
/// host, never a credential or a header value.
public enum ProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The adapter asked for a path that is malformed or climbs out of the base (`..`): 400.
    case invalidPath(String)
    /// The client's request body is over the limit the adapter buffers: 413.
    case requestBodyTooLarge(limit: Int)
    /// Nothing answered at the upstream address (refused, unresolvable, connect timeout): 502.
    case upstreamUnreachable(host: String)
    /// The TLS handshake with the upstream failed (untrusted certificate, wrong name...): 502.
    case upstreamTLS(host: String, detail: String)
    /// No response head within the forwarding timeout: 504.
    case upstreamTimeout(host: String)
    /// The upstream's response is larger than the adapter was willing to read: 502.
    case upstreamResponseTooLarge(host: String, limit: Int)
    /// Any other failure talking to the upstream (connection closed mid-request...): 502.
    case upstreamFailed(host: String, detail: String)

    public var status: HTTPResponse.Status {
        switch self {
        case .invalidPath: .badRequest
        case .requestBodyTooLarge: .contentTooLarge
        case .upstreamTimeout: .gatewayTimeout
        case .upstreamUnreachable, .upstreamTLS, .upstreamResponseTooLarge, .upstreamFailed: .badGateway
        }
    }

    public var description: String {
        switch self {
        case .invalidPath(let path): "invalid upstream path: \(path)"
        case .requestBodyTooLarge(let limit): "request body too large: the limit is \(limit) bytes"
        case .upstreamUnreachable(let host): "upstream unreachable: \(host)"
        case .upstreamTLS(let host, let detail): "upstream TLS handshake failed: \(host): \(detail)"
        case .upstreamTimeout(let host): "upstream timed out: \(host)"
        case .upstreamResponseTooLarge(let host, let limit):
            "upstream response too large: \(host) sent more than \(limit) bytes"
        case .upstreamFailed(let host, let detail): "upstream failed: \(host): \(detail)"
        }
    }
}
