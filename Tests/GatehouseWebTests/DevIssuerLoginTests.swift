import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import GatehouseIdentity
@testable import GatehouseWeb

/// The dev issuer's authorization code flow with PKCE, over real sockets (the authorize
/// endpoints need the peer's address): form, code, token, and the token through the same
/// ``TokenValidator`` the gateway uses.
@Suite struct DevIssuerLoginTests {
    static let clientID = "gatehouse-ui"
    static let callback = "http://127.0.0.1:8080/ui/callback"

    /// A context that knows the peer, as WebServer's must for the authorize endpoints to answer.
    struct PeerContext: RemoteAddressRequestContext {
        var coreContext: CoreRequestContextStorage
        let remoteAddress: SocketAddress?
        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            remoteAddress = source.channel.remoteAddress
        }
    }

    let issuer: DevIssuer
    let verifier = PKCE.makeVerifier()
    let nonce = PKCE.randomToken()

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-dev-login-\(UUID().uuidString)").path
        issuer = try DevIssuer.loadOrCreate(directory: directory, issuerURL: "http://127.0.0.1:9/dev-issuer", audience: "gatehouse")
        try? FileManager.default.removeItem(atPath: directory)
    }

    func application<Context: RequestContext>(_ context: Context.Type = PeerContext.self) -> some ApplicationProtocol
    where Context.Source == ApplicationRequestContextSource {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let router = Router(context: Context.self)
        DevIssuerRoutes(issuer: issuer, authorizations: DevIssuerAuthorizations(), allowedRedirectURIs: [Self.callback],
                        allowedClientID: Self.clientID, tokenTTLSeconds: 300)
            .register(on: router)
        return Application(router: router, logger: logger)
    }

    func query(state: String = "st-1", redirectURI: String = callback, omitting: Set<String> = [], method: String = "S256") -> String {
        var fields = [
            "response_type": "code", "client_id": Self.clientID, "redirect_uri": redirectURI, "scope": "openid profile",
            "state": state, "nonce": nonce, "code_challenge": PKCE.challenge(for: verifier), "code_challenge_method": method,
        ]
        for name in omitting { fields[name] = nil }
        return Form.encode(fields)
    }

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Signs in through the form and returns the code from the 303.
    func signIn(_ client: some TestClientProtocol) async throws -> String {
        let body = query() + "&" + Form.encode(["subject": "alice@example.test", "name": "Alice", "groups": " engineers, approvers ,"])
        return try await client.execute(uri: "/dev-issuer/authorize", method: .post, headers: Self.form, body: ByteBuffer(string: body)) { response in
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix(Self.callback + "?code="))
            let items = try #require(URLComponents(string: location)?.queryItems)
            #expect(items.first { $0.name == "state" }?.value == "st-1")
            return try #require(items.first { $0.name == "code" }?.value)
        }
    }

    func redeem(_ client: some TestClientProtocol, code: String, verifier: String) async throws -> (HTTPResponse.Status, [String: Any], String?) {
        let body = Form.encode([
            "grant_type": "authorization_code", "code": code, "redirect_uri": Self.callback, "client_id": Self.clientID, "code_verifier": verifier,
        ])
        return try await client.execute(uri: "/dev-issuer/token", method: .post, headers: Self.form, body: ByteBuffer(string: body)) { response in
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
            return (response.status, json, response.headers[.cacheControl])
        }
    }

    @Test func formCodeTokenAndTheTokenValidates() async throws {
        try await application().test(.live) { client in
            try await client.execute(uri: "/dev-issuer/authorize?" + query(), method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("Development sign-in — no password: never enable the dev issuer in production"))
                #expect(page.contains("<input type=\"hidden\" name=\"code_challenge\" value=\"\(PKCE.challenge(for: verifier))\">"))
                #expect(page.contains("<label for=\"subject\">"))
            }
            let code = try await signIn(client)
            let (status, json, cacheControl) = try await redeem(client, code: code, verifier: verifier)
            #expect(status == .ok)
            #expect(cacheControl == "no-store")
            #expect(json["token_type"] as? String == "Bearer")
            #expect(json["expires_in"] as? Int == 300)
            let idToken = try #require(json["id_token"] as? String)
            #expect(json["access_token"] as? String == idToken)

            var configuration = issuer.issuerConfiguration
            configuration.audiences = [Self.clientID]
            let validator = TokenValidator(
                issuers: [configuration], fetcher: DevIssuerDocuments(issuer: issuer), refreshPolicy: KeyRefreshPolicy(),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, now: { Date() })
            let principal = try await validator.validateIDToken(idToken, nonce: nonce)
            #expect(principal.subject == "alice@example.test")
            #expect(principal.username == "Alice")
            #expect(principal.groups == ["engineers", "approvers"])

            // One use only.
            let (againStatus, again, _) = try await redeem(client, code: code, verifier: verifier)
            #expect(againStatus == .badRequest)
            #expect(again["error"] as? String == "invalid_grant")
        }
    }

    @Test func aWrongVerifierIsRefused() async throws {
        try await application().test(.live) { client in
            let code = try await signIn(client)
            let (status, json, _) = try await redeem(client, code: code, verifier: PKCE.makeVerifier())
            #expect(status == .badRequest)
            #expect(json["error"] as? String == "invalid_grant")
            #expect(json["error_description"] as? String == "the code_verifier does not match the code_challenge (S256)")
        }
    }

    @Test func refusesBadAuthorizationRequestsWithoutRedirecting() async throws {
        let cases: [(String, String)] = [
            (query(redirectURI: "https://evil.example/callback"),
             "The redirect_uri &#39;https://evil.example/callback&#39; is not one of this issuer&#39;s registered redirect URIs."),
            (query(omitting: ["response_type"]), "The response_type parameter is missing; it must be &#39;code&#39;."),
            (query(omitting: ["code_challenge_method"]), "The code_challenge_method parameter is missing; PKCE with &#39;S256&#39; is required."),
            (query(method: "plain"), "The code_challenge_method &#39;plain&#39; is not supported; it must be &#39;S256&#39;."),
            (query(omitting: ["code_challenge"]), "The code_challenge parameter is missing; PKCE is required."),
        ]
        try await application().test(.live) { client in
            for (query, sentence) in cases {
                for method in [HTTPRequest.Method.get, .post] {
                    let uri = method == .get ? "/dev-issuer/authorize?" + query : "/dev-issuer/authorize"
                    let body = method == .post ? ByteBuffer(string: query + "&subject=mallory") : nil
                    try await client.execute(uri: uri, method: method, headers: Self.form, body: body) { response in
                        #expect(response.status == .badRequest)
                        #expect(response.headers[.location] == nil)
                        #expect(String(buffer: response.body).contains(sentence), "\(method) \(query)")
                    }
                }
            }
        }
    }

    @Test func escapesEchoedValues() async throws {
        try await application().test(.live) { client in
            try await client.execute(uri: "/dev-issuer/authorize?" + query(state: "\"><script>alert(1)</script>"), method: .get) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(!page.contains("<script>"))
                #expect(page.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
            }
        }
    }

    @Test func refusesPeersItCannotPlaceOnLoopback() async throws {
        // The router test channel has no peer address; a BasicRequestContext never knows one.
        try await expectForbidden(application(PeerContext.self))
        try await expectForbidden(application(BasicRequestContext.self))
    }

    func expectForbidden(_ app: some ApplicationProtocol) async throws {
        try await app.test(.router) { client in
            for method in [HTTPRequest.Method.get, .post] {
                try await client.execute(uri: "/dev-issuer/authorize?" + query(), method: method, headers: Self.form) { response in
                    #expect(response.status == .forbidden)
                    #expect(String(buffer: response.body).contains("answers only clients on this machine (loopback)"))
                }
            }
        }
    }

    @Test func tokenEndpointErrorsFollowRFC6749() async throws {
        try await application().test(.live) { client in
            let body = ByteBuffer(string: "grant_type=client_credentials")
            try await client.execute(uri: "/dev-issuer/token", method: .post, headers: Self.form, body: body) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("\"error\":\"unsupported_grant_type\""))
            }
            let missing = ByteBuffer(string: "grant_type=authorization_code&code=x")
            try await client.execute(uri: "/dev-issuer/token", method: .post, headers: Self.form, body: missing) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("\"error\":\"invalid_request\""))
            }
        }
    }
}

/// Serves the dev issuer's documents to the validator in memory (its issuer URL is not the
/// test server's, whose port is only known once it runs).
private struct DevIssuerDocuments: DocumentFetcher {
    let issuer: DevIssuer
    func fetchDocument(from url: URL) async throws -> [UInt8] {
        url.absoluteString == issuer.jwksURL ? issuer.jwksDocument() : issuer.discoveryDocument()
    }
}

private enum Form {
    static func encode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }
}
