import GatehouseConfig
import NIOCore
import NIOSSL

/// The TLS client settings for one upstream, built once per connection configuration.
struct UpstreamTLS: @unchecked Sendable {
    let context: NIOSSLContext
    /// Checked against the certificate for verify-full; nil for IP addresses, whose SAN NIOSSL
    /// checks against the connected address instead.
    let serverHostname: String?

    /// nil for sslmode=disable.
    static func make(for upstream: PostgresUpstream) throws -> UpstreamTLS? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch upstream.sslMode {
        case .disable:
            return nil
        case .require:
            // libpq's `require`: encrypted, but the certificate is not checked.
            configuration.certificateVerification = .none
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
            if let caFile = upstream.caFile {
                configuration.trustRoots = .file(caFile)
            }
        }
        let isIPAddress = (try? SocketAddress(ipAddress: upstream.host, port: 0)) != nil
        return UpstreamTLS(context: try NIOSSLContext(configuration: configuration),
                           serverHostname: isIPAddress || upstream.sslMode != .verifyFull ? nil : upstream.host)
    }
}
