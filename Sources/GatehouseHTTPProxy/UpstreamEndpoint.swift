import Foundation
import GatehouseCore

/// Where an adapter's traffic goes: an https base URL (plain http only to a loopback host) with an
/// optional base path, and the credential the proxy injects.
public struct UpstreamEndpoint: Sendable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int
    /// The base path without a trailing slash ("" for the root), percent-encoding as configured.
    public let basePath: String
    public var credential: UpstreamCredential

    public init(url: String, credential: UpstreamCredential = .none) throws {
        guard let components = URLComponents(string: url), let rawScheme = components.scheme,
            let rawHost = components.host, !rawHost.isEmpty
        else { throw UpstreamEndpointError.invalidURL(url) }
        guard components.user == nil, components.password == nil else { throw UpstreamEndpointError.credentialsInURL }
        guard components.query == nil, components.fragment == nil else { throw UpstreamEndpointError.invalidURL(url) }
        let scheme = rawScheme.lowercased()
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        switch scheme {
        case "https": break
        case "http": guard isLoopbackHost(host) else { throw UpstreamEndpointError.cleartextToNonLoopback(host: host) }
        default: throw UpstreamEndpointError.unsupportedScheme(scheme)
        }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
        var base = components.percentEncodedPath
        while base.hasSuffix("/") { base.removeLast() }
        guard (try? UpstreamPath.segments(base)) != nil else { throw UpstreamEndpointError.invalidURL(url) }
        self.basePath = base
        self.credential = credential
    }

    /// `Host` header value: the port only when it is not the scheme's default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        let defaultPort = scheme == "https" ? 443 : 80
        return port == defaultPort ? name : "\(name):\(port)"
    }

    public var baseURL: String { "\(scheme)://\(hostHeader)\(basePath)" }

    /// The full upstream URL for `path` (relative to the base; a leading "/" is allowed) and a raw
    /// query. Percent-encoding is passed through untouched; dot segments (also percent-encoded) are
    /// refused, so nothing can climb out of the base path.
    public func url(path: String, query: String? = nil) throws -> String {
        let relative = path.drop { $0 == "/" }
        _ = try UpstreamPath.segments(String(relative))
        var url = baseURL + "/" + relative
        if let query, !query.isEmpty {
            try UpstreamPath.validate(query: query)
            url += "?" + query
        }
        return url
    }

    public var description: String { "\(baseURL) (credential: \(credential))" }
}
