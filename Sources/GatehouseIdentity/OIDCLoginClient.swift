import AsyncHTTPClient
import Foundation
import GatehouseCore
import Logging
import NIOCore

/// The relying-party side of the OIDC authorization code flow with PKCE (RFC 7636, S256): builds
/// the authorization URL and exchanges the returned code for an ID token. The caller keeps the
/// state, nonce and verifier (per browser session) and validates the ID token with
/// ``TokenValidator/validateIDToken(_:nonce:)``.
public final class OIDCLoginClient: Sendable {
    static let tokenTimeoutSeconds: Int64 = 10
    /// Token responses are small JSON objects; this only stops a runaway response.
    static let maximumTokenResponseBytes = 256 * 1024

    private let issuer: IssuerConfiguration
    private let clientID: String
    private let clientSecret: String?
    private let redirectURI: String
    private let scopes: [String]
    private let httpClient: HTTPClient
    private let fetcher: any DocumentFetcher
    private let logger: Logger
    private let endpoints = EndpointCache()

    public convenience init(
        issuer: IssuerConfiguration, clientID: String, clientSecret: String?, redirectURI: String, scopes: [String],
        httpClient: HTTPClient, logger: Logger
    ) {
        self.init(
            issuer: issuer, clientID: clientID, clientSecret: clientSecret, redirectURI: redirectURI, scopes: scopes,
            httpClient: httpClient, fetcher: HTTPDocumentFetcher(client: httpClient, logger: logger), logger: logger)
    }

    /// For tests: any source of discovery documents.
    init(
        issuer: IssuerConfiguration, clientID: String, clientSecret: String?, redirectURI: String, scopes: [String],
        httpClient: HTTPClient, fetcher: any DocumentFetcher, logger: Logger
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.httpClient = httpClient
        self.fetcher = fetcher
        self.logger = logger
    }

    /// Where to send the browser: the provider's authorization endpoint with response_type=code,
    /// the client, redirect URI, scopes, `state`, `nonce` and the S256 `code_challenge`.
    public func authorizationURL(state: String, nonce: String, codeChallenge: String) async throws(OIDCLoginError) -> String {
        let endpoints = try await discoveredEndpoints()
        guard var components = URLComponents(url: endpoints.authorization, resolvingAgainstBaseURL: false) else {
            throw .discoveryFailed("the authorization_endpoint is not a URL")
        }
        // Keep any query the provider put in its endpoint (Entra ID does not, others may).
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "scope", value: scopes.joined(separator: " ")),
            URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "nonce", value: nonce),
            URLQueryItem(name: "code_challenge", value: codeChallenge),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        // URLComponents leaves `+` and `/` unescaped in queries; form decoders read `+` as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?
            .replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else { throw .discoveryFailed("the authorization_endpoint is not a URL") }
        return url.absoluteString
    }

    /// Exchanges `code` (with the verifier whose challenge went into the authorization URL) at
    /// the token endpoint and returns the ID token, not yet validated.
    public func exchange(code: String, codeVerifier: String) async throws(OIDCLoginError) -> String {
        let tokenURL = try await discoveredEndpoints().token
        let fields = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("client_id", clientID), ("code_verifier", codeVerifier),
        ]
        var request = HTTPClientRequest(url: tokenURL.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if let clientSecret {
            // RFC 6749 §2.3.1: both parts are form-encoded before the Basic encoding.
            let credentials = FormEncoding.encode(clientID) + ":" + FormEncoding.encode(clientSecret)
            request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        }
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))

        let (status, body) = try await send(request, to: tokenURL)
        let json = try? JSONValue.object(from: body)
        guard status == 200 else {
            logger.info("token endpoint refused the code", metadata: ["status": "\(status)"])
            throw Self.refusal(json, status: status)
        }
        guard let json else { throw .tokenRequestFailed("the token endpoint answered HTTP 200 without a JSON object") }
        guard let idToken = json["id_token"]?.stringValue else { throw .missingIDToken }
        return idToken
    }

    private func send(_ request: HTTPClientRequest, to url: URL) async throws(OIDCLoginError) -> (status: Int, body: [UInt8]) {
        let label = "POST \(url.absoluteString)"
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .seconds(Self.tokenTimeoutSeconds), logger: logger)
        } catch {
            throw .tokenRequestFailed("\(label) failed: \(error)")
        }
        // A redirect hop to plain http off loopback would expose the code and verifier.
        for hop in response.history {
            if case .failure(let refusal) = FetchURLPolicy.check(hop.request.url) {
                throw .tokenRequestFailed("\(label) was redirected: \(refusal)")
            }
        }
        do {
            let body = try await response.body.collect(upTo: Self.maximumTokenResponseBytes)
            return (Int(response.status.code), Array(body.readableBytesView))
        } catch {
            throw .tokenRequestFailed("\(label) returned an unreadable or larger than \(Self.maximumTokenResponseBytes)-byte body")
        }
    }

    /// The provider's RFC 6749 §5.2 error, echoed safely.
    private static func refusal(_ json: [String: JSONValue]?, status: Int) -> OIDCLoginError {
        guard let error = json?["error"]?.stringValue else {
            return .tokenRequestFailed("the token endpoint answered HTTP \(status) without an OAuth error object")
        }
        return .tokenRefused(
            error: ClientSafeText.echo(error), description: json?["error_description"]?.stringValue.map(ClientSafeText.echo),
            status: status)
    }

    /// The authorization and token endpoints, discovered once and then cached (a failed
    /// discovery is not cached, so the next login tries again).
    private func discoveredEndpoints() async throws(OIDCLoginError) -> LoginEndpoints {
        if let cached = endpoints.value { return cached }
        let discoveryURL: URL
        switch FetchURLPolicy.check(issuer.effectiveDiscoveryURL) {
        case .success(let url): discoveryURL = url
        case .failure(let refusal): throw .discoveryFailed("the discovery URL \(refusal)")
        }
        let bytes: [UInt8]
        do {
            bytes = try await fetcher.fetchDocument(from: discoveryURL)
        } catch {
            throw .discoveryFailed("\(error)")
        }
        let discovered: LoginEndpoints
        switch DiscoveryDocument.decode(bytes, expectedIssuer: issuer.issuer).flatMap(LoginEndpoints.from) {
        case .success(let value): discovered = value
        case .failure(let refusal): throw .discoveryFailed(refusal.description)
        }
        endpoints.value = discovered
        return discovered
    }
}

/// The two endpoints a login uses, each allowed by ``FetchURLPolicy`` (https, or http on loopback).
struct LoginEndpoints: Sendable {
    let authorization: URL
    let token: URL

    static func from(_ document: DiscoveryDocument) -> Result<LoginEndpoints, FetchURLPolicy.Refusal> {
        guard let authorization = document.authorizationEndpoint, let token = document.tokenEndpoint else {
            return .failure(.init("the document has no authorization_endpoint or no token_endpoint"))
        }
        return FetchURLPolicy.check(authorization).flatMap { authorizationURL in
            FetchURLPolicy.check(token).map { LoginEndpoints(authorization: authorizationURL, token: $0) }
        }
    }
}

/// A lock-protected slot: the client is a Sendable class shared by concurrent logins.
private final class EndpointCache: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: LoginEndpoints?

    var value: LoginEndpoints? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
