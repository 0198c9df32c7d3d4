import AsyncHTTPClient
import GatehouseHTTPProxy
import Hummingbird
import NIOCore
import Testing

/// The pure header rewriting, without sockets.
@Suite struct HeaderRewritingTests {
    let endpoint = try! UpstreamEndpoint(url: "https://git.example.com:8443/scm", credential: .bearer("upstream-secret"))

    private func fields(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(.init(name: .init(name)!, value: value)) }
        return fields
    }

    @Test func dropsHopByHopAndConnectionNamedHeaders() {
        let client = fields([
            ("Connection", "close, X-Hop-One"), ("Connection", "x-hop-two"), ("X-Hop-One", "1"), ("X-Hop-Two", "2"),
            ("Keep-Alive", "timeout=5"), ("Proxy-Authenticate", "Basic"), ("Proxy-Authorization", "Basic eA=="),
            ("TE", "trailers"), ("Trailer", "X-Sum"), ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"),
            ("Accept", "*/*"), ("Git-Protocol", "version=2"),
        ])
        let headers = ProxyHeaders.upstreamRequestHeaders(from: client, endpoint: endpoint)
        let names = Set(headers.map { $0.name.lowercased() })
        #expect(names == ["host", "accept", "git-protocol", "authorization"])
        #expect(headers["Git-Protocol"] == ["version=2"])
    }

    @Test func replacesClientCredentialsHostAndFraming() {
        let client = fields([
            ("Authorization", "Bearer client-oidc"), ("Cookie", "a=1"), ("Host", "gatehouse.internal"),
            ("Content-Length", "12"), ("Expect", "100-continue"), ("X-Forwarded-For", "6.6.6.6"), ("Forwarded", "for=6.6.6.6"),
        ])
        let headers = ProxyHeaders.upstreamRequestHeaders(from: client, endpoint: endpoint)
        #expect(headers["Authorization"] == ["Bearer upstream-secret"])
        #expect(headers["Host"] == ["git.example.com:8443"])
        #expect(headers["Cookie"].isEmpty)
        #expect(headers["Content-Length"].isEmpty)
        #expect(headers["Expect"].isEmpty)
        #expect(headers["X-Forwarded-For"].isEmpty)
        #expect(headers["Forwarded"].isEmpty)
    }

    @Test func injectsEachCredentialKind() throws {
        var basic = endpoint
        basic.credential = .basic(user: "svc", password: "pw")
        #expect(ProxyHeaders.upstreamRequestHeaders(from: [:], endpoint: basic)["Authorization"] == ["Basic c3ZjOnB3"])

        var header = endpoint
        header.credential = .header(name: "X-Api-Key", value: "k1")
        let withHeader = ProxyHeaders.upstreamRequestHeaders(from: fields([("X-Api-Key", "client-guess")]), endpoint: header)
        #expect(withHeader["X-Api-Key"] == ["k1"])

        var none = endpoint
        none.credential = .none
        let withNone = ProxyHeaders.upstreamRequestHeaders(from: fields([("Authorization", "Bearer c")]), endpoint: none)
        #expect(withNone["Authorization"].isEmpty)
    }

    @Test func forwardedHeadersOnlyWhenGiven() {
        let client = ForwardedClient(address: "192.0.2.7", proto: "https")
        let headers = ProxyHeaders.upstreamRequestHeaders(from: [:], endpoint: endpoint, forwarded: client)
        #expect(headers["X-Forwarded-For"] == ["192.0.2.7"])
        #expect(headers["X-Forwarded-Proto"] == ["https"])
    }

    @Test func defaultPortIsLeftOutOfHost() throws {
        let plain = try UpstreamEndpoint(url: "https://blob.example.net")
        #expect(ProxyHeaders.upstreamRequestHeaders(from: [:], endpoint: plain)["Host"] == ["blob.example.net"])
    }

    @Test func responseHeadersKeepSetCookieAndDropHopByHop() {
        var upstream = HTTPClientRequest(url: "unused").headers
        upstream.add(name: "Connection", value: "X-Private")
        upstream.add(name: "X-Private", value: "1")
        upstream.add(name: "Transfer-Encoding", value: "chunked")
        upstream.add(name: "Proxy-Authenticate", value: "Basic")
        upstream.add(name: "Set-Cookie", value: "a=1")
        upstream.add(name: "Set-Cookie", value: "b=2")
        upstream.add(name: "Content-Length", value: "5")
        let fields = ProxyHeaders.clientResponseHeaders(from: upstream)
        #expect(fields.map { $0.name.canonicalName } == ["set-cookie", "set-cookie", "content-length"])
        #expect(fields[values: .init("Set-Cookie")!] == ["a=1", "b=2"])
    }
}
