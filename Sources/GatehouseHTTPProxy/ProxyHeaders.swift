import Foundation
import Hummingbird
import NIOHTTP1

/// Header hygiene for both directions, pure (no sockets): what the upstream and the client see.
public enum ProxyHeaders {
    /// RFC 9110 §7.6.1 hop-by-hop headers (lowercase), plus `Proxy-Connection`; the headers a
    /// `Connection` header names are hop-by-hop too.
    public static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
        "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// Client headers that never reach the upstream: the client's own credentials (its OIDC token
    /// must stay at the gateway), and framing or routing the proxy sets itself.
    public static let neverForwarded: Set<String> = [
        "authorization", "cookie", "host", "content-length", "expect",
        "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
    ]

    /// The headers sent upstream: the client's minus hop-by-hop and `neverForwarded` ones (and any
    /// header of the credential's name), plus `Host` from the endpoint and the endpoint's credential;
    /// `X-Forwarded-For`/`-Proto` are set only when `forwarded` is given. `Content-Length` and
    /// `Transfer-Encoding` come from the body when the request is sent.
    public static func upstreamRequestHeaders(
        from client: HTTPFields, endpoint: UpstreamEndpoint, forwarded: ForwardedClient? = nil
    ) -> HTTPHeaders {
        let credential = endpoint.credential.field
        var dropped = hopByHop.union(neverForwarded).union(connectionNamed(client[values: .connection]))
        if let credential { dropped.insert(credential.name.lowercased()) }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        for field in client where !dropped.contains(field.name.canonicalName) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        if let credential { headers.add(name: credential.name, value: credential.value) }
        if let forwarded {
            headers.add(name: "X-Forwarded-For", value: forwarded.address)
            headers.add(name: "X-Forwarded-Proto", value: forwarded.proto)
        }
        return headers
    }

    /// The headers the client gets back: the upstream's minus hop-by-hop ones. `Set-Cookie` is kept
    /// (it is the upstream's session, which the client may legitimately need); `Content-Length` is
    /// kept, so an adapter that changes the body must remove it.
    public static func clientResponseHeaders(from upstream: HTTPHeaders) -> HTTPFields {
        let dropped = hopByHop.union(connectionNamed(upstream[canonicalForm: "connection"].map(String.init)))
        var fields = HTTPFields()
        for (name, value) in upstream where !dropped.contains(name.lowercased()) {
            guard let fieldName = HTTPFields.Element.Name(name) else { continue }
            fields.append(HTTPFields.Element(name: fieldName, value: value))
        }
        return fields
    }

    /// The header names listed in `Connection` values, lowercased.
    static func connectionNamed(_ values: [String]) -> Set<String> {
        var names = Set<String>()
        for value in values {
            for token in value.split(separator: ",") {
                let name = token.trimmingCharacters(in: .whitespaces).lowercased()
                if !name.isEmpty { names.insert(name) }
            }
        }
        return names
    }
}
