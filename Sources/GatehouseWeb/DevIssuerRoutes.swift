import Foundation
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseIdentity
import Hummingbird
import NIOCore

/// The dev issuer's HTTP endpoints, under `WebServer.devIssuerPath`: its discovery document
/// and JWKS (so dev tokens are validated by the same path as production ones), and the
/// authorization code flow with PKCE (S256) that the web UI logs in with in the demo.
///
/// The sign-in form has no password: anyone who reaches it can be anyone. So both authorize
/// endpoints answer loopback clients only (the request context must expose the remote address,
/// see ``RemoteAddressRequestContext``; without one they refuse everyone), and codes go only to
/// the exact redirect URIs configured, so a crafted link cannot send a code elsewhere.
struct DevIssuerRoutes: Sendable {
    let issuer: DevIssuer
    let authorizations: DevIssuerAuthorizations
    let allowedRedirectURIs: [String]
    /// The only client it signs humans in for: this gateway's UI (nil: none).
    let allowedClientID: String?
    let tokenTTLSeconds: Int

    init(issuer: DevIssuer, authorizations: DevIssuerAuthorizations, allowedRedirectURIs: [String], allowedClientID: String?,
         tokenTTLSeconds: Int) {
        self.allowedClientID = allowedClientID
        self.issuer = issuer
        self.authorizations = authorizations
        self.allowedRedirectURIs = allowedRedirectURIs
        self.tokenTTLSeconds = tokenTTLSeconds
    }

    /// Forms and token requests are a few hundred bytes.
    static let maximumBodyBytes = 16 * 1024

    func register<Context: RequestContext>(on router: Router<Context>) {
        let routes = self
        let issuer = issuer
        router.get("\(WebServer.devIssuerPath)/.well-known/openid-configuration") { _, _ in
            Self.json(.ok, issuer.discoveryDocument(), cacheControl: "max-age=300")
        }
        router.get("\(WebServer.devIssuerPath)/jwks") { _, _ in
            Self.json(.ok, issuer.jwksDocument(), cacheControl: "max-age=300")
        }
        router.get("\(WebServer.devIssuerPath)/authorize") { request, context in
            guard ClientAddress.isLoopback(context) else { return Self.notLoopback() }
            return routes.signInForm(UIForm.fields(request.uri.query ?? ""))
        }
        router.post("\(WebServer.devIssuerPath)/authorize") { request, context in
            guard ClientAddress.isLoopback(context) else { return Self.notLoopback() }
            var request = request
            guard let body = try? await request.collectBody(upTo: Self.maximumBodyBytes) else {
                return Self.page(.contentTooLarge, Self.problem("The sign-in form is larger than \(Self.maximumBodyBytes) bytes."))
            }
            return routes.signIn(UIForm.fields(String(buffer: body)))
        }
        router.post("\(WebServer.devIssuerPath)/token") { request, _ in
            var request = request
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
                return Self.tokenError("invalid_request", "the body must be application/x-www-form-urlencoded")
            }
            guard let body = try? await request.collectBody(upTo: Self.maximumBodyBytes) else {
                return Self.tokenError("invalid_request", "the body is larger than \(Self.maximumBodyBytes) bytes")
            }
            return routes.token(UIForm.fields(String(buffer: body)))
        }
    }
}

// MARK: - Authorization endpoint

extension DevIssuerRoutes {
    /// The authorization request's parameters, validated; carried through the form as hidden fields.
    struct AuthorizationRequest {
        static let parameterNames = ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method"]
        var fields: [String: String]
        var clientID: String { fields["client_id"] ?? "" }
        var redirectURI: String { fields["redirect_uri"] ?? "" }
    }

    /// The request, or a sentence saying precisely what is wrong with it.
    func validate(_ fields: [String: String]) -> Result<AuthorizationRequest, Refusal> {
        func present(_ name: String) -> String? { fields[name].flatMap { $0.isEmpty ? nil : $0 } }
        // The redirect URI first: when it is not allowed nothing may be sent there, not even an error.
        guard let redirectURI = present("redirect_uri") else { return .failure("The redirect_uri parameter is missing.") }
        guard allowedRedirectURIs.contains(redirectURI) else {
            return .failure("The redirect_uri '\(redirectURI)' is not one of this issuer's registered redirect URIs.")
        }
        guard let responseType = present("response_type") else { return .failure("The response_type parameter is missing; it must be 'code'.") }
        guard responseType == "code" else { return .failure("The response_type '\(responseType)' is not supported; it must be 'code'.") }
        guard let clientID = present("client_id") else { return .failure("The client_id parameter is missing.") }
        guard let allowedClientID, ExactIdentifier.same(clientID, allowedClientID) else {
            return .failure("The dev issuer signs in only for this gateway's web UI, not for client '\(clientID)'.")
        }
        guard let scope = present("scope"), scope.split(separator: " ").contains("openid") else {
            return .failure("The scope parameter must include 'openid'.")
        }
        guard let method = present("code_challenge_method") else {
            return .failure("The code_challenge_method parameter is missing; PKCE with 'S256' is required.")
        }
        guard method == "S256" else { return .failure("The code_challenge_method '\(method)' is not supported; it must be 'S256'.") }
        guard let challenge = present("code_challenge") else { return .failure("The code_challenge parameter is missing; PKCE is required.") }
        // An S256 challenge is a base64url SHA-256: exactly 43 characters.
        guard challenge.utf8.count == 43, challenge.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return .failure("The code_challenge is not a base64url SHA-256 value (43 characters).")
        }
        for name in ["state", "nonce"] where (fields[name]?.utf8.count ?? 0) > 512 {
            return .failure("The \(name) parameter is longer than 512 bytes.")
        }
        return .success(AuthorizationRequest(fields: fields.filter { AuthorizationRequest.parameterNames.contains($0.key) }))
    }

    func signInForm(_ fields: [String: String]) -> Response {
        switch validate(fields) {
        case .failure(let refusal): return Self.page(.badRequest, Self.problem(refusal.sentence))
        case .success(let request): return Self.page(.ok, Self.form(request))
        }
    }

    func signIn(_ fields: [String: String]) -> Response {
        let request: AuthorizationRequest
        switch validate(fields) {
        case .failure(let refusal): return Self.page(.badRequest, Self.problem(refusal.sentence))
        case .success(let valid): request = valid
        }
        let subject = (fields["subject"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !subject.isEmpty else { return Self.page(.badRequest, Self.form(request, error: "Enter a subject to sign in as.")) }
        let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let groups = (fields["groups"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let code = authorizations.issue(
            subject: subject, username: name.isEmpty ? nil : name, groups: groups, clientID: request.clientID,
            redirectURI: request.redirectURI, codeChallenge: request.fields["code_challenge"] ?? "", nonce: request.fields["nonce"])
        var location = URLComponents(string: request.redirectURI) ?? URLComponents()
        location.queryItems = (location.queryItems ?? []) + [URLQueryItem(name: "code", value: code)]
            + (request.fields["state"].map { [URLQueryItem(name: "state", value: $0)] } ?? [])
        // URLComponents leaves `+` as is, which the callback's form decoder would read as a space.
        location.percentEncodedQuery = location.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return Response(status: .seeOther, headers: [.location: location.string ?? request.redirectURI, .cacheControl: "no-store"])
    }

    struct Refusal: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
        let sentence: String
        init(stringLiteral value: String) { sentence = value }
        init(stringInterpolation: DefaultStringInterpolation) { sentence = String(stringInterpolation: stringInterpolation) }
    }
}

// MARK: - Token endpoint

extension DevIssuerRoutes {
    func token(_ fields: [String: String]) -> Response {
        guard let grantType = fields["grant_type"], !grantType.isEmpty else {
            return Self.tokenError("invalid_request", "grant_type is missing")
        }
        guard grantType == "authorization_code" else {
            return Self.tokenError("unsupported_grant_type", "only authorization_code is supported")
        }
        for name in ["code", "redirect_uri", "client_id", "code_verifier"] where (fields[name] ?? "").isEmpty {
            return Self.tokenError("invalid_request", "\(name) is missing")
        }
        let authorization: DevIssuerAuthorization
        do {
            authorization = try authorizations.redeem(
                code: fields["code"]!, clientID: fields["client_id"]!, redirectURI: fields["redirect_uri"]!,
                codeVerifier: fields["code_verifier"]!)
        } catch {
            return Self.tokenError(error.code, error.reason)
        }
        let idToken: String
        do {
            idToken = try issuer.mintToken(
                subject: authorization.subject, groups: authorization.groups, ttlSeconds: tokenTTLSeconds,
                username: authorization.username, audience: authorization.clientID, nonce: authorization.nonce)
        } catch {
            return Self.tokenError("server_error", "\(error)", status: .internalServerError)
        }
        // The ID token doubles as the access token: it is what the gateway's API accepts.
        return Self.tokenJSON(.ok, TokenResponse(access_token: idToken, id_token: idToken, token_type: "Bearer", expires_in: tokenTTLSeconds))
    }

    // Field names are the RFC 6749 §5.1 / §5.2 member names.
    private struct TokenResponse: Encodable {
        var access_token: String
        var id_token: String
        var token_type: String
        var expires_in: Int
    }

    private struct TokenErrorResponse: Encodable {
        var error: String
        var error_description: String
    }

    static func tokenError(_ code: String, _ description: String, status: HTTPResponse.Status = .badRequest) -> Response {
        tokenJSON(status, TokenErrorResponse(error: code, error_description: description))
    }

    /// Token responses must not be cached (RFC 6749 §5.1).
    private static func tokenJSON(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = (try? encoder.encode(value)) ?? Data()
        return json(status, Array(bytes), cacheControl: "no-store")
    }

    private static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8], cacheControl: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: cacheControl],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

// MARK: - Pages

extension DevIssuerRoutes {
    static let warning: HTML = "Development sign-in — no password: never enable the dev issuer in production"

    static func form(_ request: AuthorizationRequest, error: String? = nil) -> HTML {
        let hidden = request.fields.sorted { $0.key < $1.key }
            .map { HTML("<input type=\"hidden\" name=\"\($0.key)\" value=\"\($0.value)\">\n") }
        let alert: HTML = error.map { "<p role=\"alert\" class=\"error\">\($0)</p>\n" } ?? ""
        return """
            <h1>\(warning)</h1>
            <p>Signing in to <strong>\(request.clientID)</strong>. Anyone who can reach this page can sign in as anyone.</p>
            \(alert)<form method="post" action="\(WebServer.devIssuerPath)/authorize">
            <p><label for="subject">Subject (sub)</label><br><input id="subject" name="subject" type="text" required autocomplete="username"></p>
            <p><label for="name">Display name (optional)</label><br><input id="name" name="name" type="text" autocomplete="name"></p>
            <p><label for="groups">Groups (comma-separated)</label><br><input id="groups" name="groups" type="text" aria-describedby="groups-hint">
            <br><small id="groups-hint">For example: engineers, approvers</small></p>
            \(hidden)<p><button type="submit">Sign in</button></p>
            </form>
            """
    }

    static func problem(_ sentence: String) -> HTML {
        "<h1>Development sign-in: request refused</h1>\n<p role=\"alert\">\(sentence)</p>\n"
    }

    static func notLoopback() -> Response {
        page(.forbidden, problem("The development sign-in answers only clients on this machine (loopback): it has no password, "
            + "so anyone who reaches it could sign in as anyone."))
    }

    /// A complete page; framing is refused so the form cannot be click-jacked. No form-action
    /// directive: browsers apply it to the redirect after the POST, which goes to the client.
    static func page(_ status: HTTPResponse.Status, _ content: HTML) -> Response {
        let document: HTML = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Development sign-in</title></head>
            <body><main>
            \(content)</main></body></html>
            """
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                      .contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: document.text)))
    }
}
