import GatehouseCore

/// How the UI signs a human in with OIDC authorization code + PKCE: where to send the browser,
/// and how a returned code becomes a validated principal (code exchange, then ID-token
/// validation with the nonce). The runtime builds it from `OIDCLoginClient` and `TokenValidator`.
public struct UILoginProvider: Sendable {
    /// The issuer's name, shown on the sign-in page.
    public var issuer: String
    public var authorizationURL: @Sendable (_ state: String, _ nonce: String, _ codeChallenge: String) async throws -> String
    public var complete: @Sendable (_ code: String, _ codeVerifier: String, _ nonce: String) async throws -> Principal

    public init(
        issuer: String,
        authorizationURL: @escaping @Sendable (_ state: String, _ nonce: String, _ codeChallenge: String) async throws -> String,
        complete: @escaping @Sendable (_ code: String, _ codeVerifier: String, _ nonce: String) async throws -> Principal
    ) {
        self.issuer = issuer
        self.authorizationURL = authorizationURL
        self.complete = complete
    }
}
