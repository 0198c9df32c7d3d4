/// One trusted OIDC issuer (`identity.issuers[]`).
public struct IssuerSettings: Sendable, Equatable {
    /// The only signature algorithms a token may use: never `none`, never HMAC (a shared
    /// secret would let anyone holding it mint tokens).
    public static let permittedAlgorithms = ["RS256", "ES256", "EdDSA"]
    public static let defaultGroupsClaim = "groups"
    public static let defaultLeewaySeconds = 60

    /// The exact `iss` value tokens carry.
    public var issuer: String
    /// Accepted `aud` values; never empty.
    public var audiences: [String]
    /// nil means `<issuer>/.well-known/openid-configuration`; see `effectiveDiscoveryURL`.
    public var discoveryURL: String?
    public var groupsClaim: String
    /// A non-empty subset of `permittedAlgorithms`.
    public var algorithms: [String]
    /// Clock skew allowed on exp/nbf/iat.
    public var leewaySeconds: Int

    public init(
        issuer: String, audiences: [String], discoveryURL: String? = nil,
        groupsClaim: String = Self.defaultGroupsClaim, algorithms: [String] = Self.permittedAlgorithms,
        leewaySeconds: Int = Self.defaultLeewaySeconds
    ) {
        self.issuer = issuer
        self.audiences = audiences
        self.discoveryURL = discoveryURL
        self.groupsClaim = groupsClaim
        self.algorithms = algorithms
        self.leewaySeconds = leewaySeconds
    }

    /// The configured discovery URL, or the OpenID Connect Discovery default for the issuer.
    public var effectiveDiscoveryURL: String {
        if let discoveryURL { return discoveryURL }
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        return base + "/.well-known/openid-configuration"
    }
}

/// The built-in issuer (`identity.dev_issuer`), present only when enabled.
public struct DevIssuerSettings: Sendable, Equatable {
    public static let defaultAudience = "gatehouse"
    public static let defaultTokenTTLSeconds = 3600

    public var audience: String
    public var tokenTTLSeconds: Int

    public init(audience: String = Self.defaultAudience, tokenTTLSeconds: Int = Self.defaultTokenTTLSeconds) {
        self.audience = audience
        self.tokenTTLSeconds = tokenTTLSeconds
    }
}
