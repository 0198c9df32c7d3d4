/// `web`: the built-in web UI (docs/web-ui.md): where browsers reach it, how humans sign in,
/// and which groups are auditors and administrators. Approvers are the connections' approver groups.
public struct WebConfiguration: Sendable, Equatable {
    public static let defaultSessionMinutes = 480
    public static let sessionMinutesRange = 5...1440
    /// The client ID the UI uses with the built-in dev issuer.
    public static let devIssuerClientID = "gatehouse-ui"
    public static let defaultScopes = ["openid", "profile", "email"]

    /// The origin browsers use (`https://gatehouse.example.com`); nil derives it from `listeners.http`.
    public var publicURL: String?
    /// nil: sign in with the dev issuer when it is enabled, otherwise sign-in is off.
    public var login: WebLoginConfiguration?
    public var adminGroups: [String]
    public var auditorGroups: [String]
    /// A signed-in session ends this long after sign-in, whatever its activity.
    public var sessionMinutes: Int

    public init(
        publicURL: String? = nil, login: WebLoginConfiguration? = nil, adminGroups: [String] = [], auditorGroups: [String] = [],
        sessionMinutes: Int = Self.defaultSessionMinutes
    ) {
        self.publicURL = publicURL
        self.login = login
        self.adminGroups = adminGroups
        self.auditorGroups = auditorGroups
        self.sessionMinutes = sessionMinutes
    }
}

/// `web.login`: the OIDC client the UI signs humans in with (authorization code + PKCE).
public struct WebLoginConfiguration: Sendable, Equatable {
    /// One of `identity.issuers` (its discovery URL, groups claim and algorithms apply).
    public var issuer: String
    public var clientID: String
    /// For a confidential client; a public client (PKCE alone) has none.
    public var clientSecret: SecretSource?
    public var scopes: [String]

    public init(issuer: String, clientID: String, clientSecret: SecretSource? = nil, scopes: [String] = WebConfiguration.defaultScopes) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
    }
}
