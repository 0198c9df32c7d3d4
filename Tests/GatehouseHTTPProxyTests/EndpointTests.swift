import GatehouseHTTPProxy
import Hummingbird
import Testing

@Suite struct EndpointTests {
    @Test func acceptsHttpsAndLoopbackHttpOnly() throws {
        let https = try UpstreamEndpoint(url: "https://dev.azure.com/org/")
        #expect(https.baseURL == "https://dev.azure.com/org")
        #expect(try UpstreamEndpoint(url: "http://127.0.0.1:9000").port == 9000)
        #expect(try UpstreamEndpoint(url: "http://localhost:9000").host == "localhost")
        #expect(try UpstreamEndpoint(url: "http://[::1]:9000").hostHeader == "[::1]:9000")
        #expect(throws: UpstreamEndpointError.cleartextToNonLoopback(host: "git.example.com")) {
            try UpstreamEndpoint(url: "http://git.example.com/repo")
        }
        #expect(throws: UpstreamEndpointError.cleartextToNonLoopback(host: "127.0.0.1.evil.com")) {
            try UpstreamEndpoint(url: "http://127.0.0.1.evil.com")
        }
        #expect(throws: UpstreamEndpointError.unsupportedScheme("ftp")) { try UpstreamEndpoint(url: "ftp://example.com") }
        #expect(throws: UpstreamEndpointError.credentialsInURL) { try UpstreamEndpoint(url: "https://u:p@example.com") }
        #expect(throws: UpstreamEndpointError.invalidURL("not a url")) { try UpstreamEndpoint(url: "not a url") }
    }

    @Test func joinsPathsUnderTheBaseKeepingPercentEncoding() throws {
        let endpoint = try UpstreamEndpoint(url: "https://git.example.com/scm/")
        let joined = try endpoint.url(path: "/team%2Frepo.git/info/refs", query: "service=git-upload-pack")
        #expect(joined == "https://git.example.com/scm/team%2Frepo.git/info/refs?service=git-upload-pack")
        let relative = try endpoint.url(path: "a b".replacingOccurrences(of: " ", with: "%20"))
        #expect(relative == "https://git.example.com/scm/a%20b")
    }

    @Test func refusesDotSegmentsAndRawIllegalCharacters() throws {
        let endpoint = try UpstreamEndpoint(url: "https://git.example.com/scm")
        for path in ["../etc/passwd", "repo/../../x", "%2e%2e/x", ".%2E/x", "a%2F..%2Fb", "a%5C..%5Cb", "./x", "a b", "a%zz", "a%2"] {
            #expect(throws: ProxyError.invalidPath(path), "\(path)") { try endpoint.url(path: path) }
        }
        #expect(throws: ProxyError.self) { try endpoint.url(path: "ok", query: "a=1#frag") }
    }

    @Test func credentialsAreRedactedEverywhere() throws {
        let secret = "s3cr3t-value"
        for credential in [UpstreamCredential.bearer(secret), .basic(user: secret, password: secret), .header(name: "X-Key", value: secret)] {
            let endpoint = try UpstreamEndpoint(url: "https://example.com", credential: credential)
            var dumped = ""
            dump(endpoint, to: &dumped)
            for text in [String(describing: credential), String(reflecting: credential), "\(endpoint)", dumped] {
                #expect(!text.contains(secret), "\(text)")
            }
        }
    }

    @Test func errorResponsesCarryStatusAndText() async throws {
        let error = ProxyError.upstreamUnreachable(host: "git.example.com")
        let plain = error.response()
        #expect(plain.status == .badGateway)
        #expect(plain.headers[.contentType] == "text/plain; charset=utf-8")
        let json = error.response(json: true)
        #expect(json.headers[.contentType] == "application/json; charset=utf-8")
        #expect(ProxyError.upstreamTimeout(host: "h").status == .gatewayTimeout)
        #expect(ProxyError.requestBodyTooLarge(limit: 1).status == .contentTooLarge)
        #expect(ProxyError.invalidPath("..").status == .badRequest)
        #expect(ProxyError.upstreamTLS(host: "h", detail: "x").description == "upstream TLS handshake failed: h: x")
    }
}
