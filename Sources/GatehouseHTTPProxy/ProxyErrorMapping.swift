import AsyncHTTPClient
import NIOCore
import NIOSSL

extension ProxyError {
    /// Classifies a failure talking to `host` (AsyncHTTPClient, NIO, NIOSSL errors) for the client.
    /// Cancellation and errors that already are `ProxyError`s pass through unchanged.
    static func classify(_ error: any Error, host: String) -> any Error {
        switch error {
        case let error as ProxyError: return error
        case is CancellationError: return error
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return ProxyError.upstreamTimeout(host: host)
            case .connectTimeout, .getConnectionFromPoolTimeout: return ProxyError.upstreamUnreachable(host: host)
            case .tlsHandshakeTimeout: return ProxyError.upstreamTLS(host: host, detail: "handshake timed out")
            case .cancelled: return CancellationError()
            default: return ProxyError.upstreamFailed(host: host, detail: String(describing: error))
            }
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return ProxyError.upstreamTLS(host: host, detail: tlsReason(error))
        case let error as ChannelError where isConnectTimeout(error):
            return ProxyError.upstreamUnreachable(host: host)
        case is IOError:
            return ProxyError.upstreamUnreachable(host: host)
        default:
            // NIOPosix's connection and resolution errors (not a dependency of this module).
            let typeName = String(reflecting: type(of: error))
            if typeName.hasSuffix("NIOConnectionError") || typeName.hasSuffix("SocketAddressError") {
                return ProxyError.upstreamUnreachable(host: host)
            }
            return ProxyError.upstreamFailed(host: host, detail: String(describing: error))
        }
    }

    /// BoringSSL's reason code (e.g. `CERTIFICATE_VERIFY_FAILED`) rather than the whole error,
    /// which also names source files of the build.
    static func tlsReason(_ error: any Error) -> String {
        let text = String(describing: error)
        if let marker = text.range(of: "OPENSSL_internal:") {
            return String(text[marker.upperBound...].prefix { $0 != " " && $0 != "]" && $0 != ")" })
        }
        return String(text.prefix { $0 != "(" })
    }

    private static func isConnectTimeout(_ error: ChannelError) -> Bool {
        if case .connectTimeout = error { return true }
        return false
    }
}
