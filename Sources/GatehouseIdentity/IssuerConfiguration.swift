/// How the gateway validates the tokens of one OIDC issuer.
public struct IssuerConfiguration: Sendable, Equatable {
    /// The expected `iss` claim, compared exactly (no trailing-slash normalisation).
    public var issuer: String
    /// Accepted `aud` values; a token is accepted when any of its audiences is listed.
    public var audiences: [String]
    /// Where the discovery document lives; nil means `<issuer>/.well-known/openid-configuration`.
    public var discoveryURL: String?
    /// The claim that holds the principal's groups.
    public var groupsClaim: String
    /// Accepted signing algorithms: a subset of RS256, ES256 and EdDSA. Anything else listed
    /// here (`none`, HMAC, ...) is ignored, never accepted.
    public var algorithms: [String]
    /// Clock skew tolerated on `exp`, `nbf` and `iat`.
    public var leewaySeconds: Int

    public init(
        issuer: String,
        audiences: [String],
        discoveryURL: String? = nil,
        groupsClaim: String = "groups",
        algorithms: [String] = SigningAlgorithm.allCases.map(\.rawValue),
        leewaySeconds: Int = 60
    ) {
        self.issuer = issuer
        self.audiences = audiences
        self.discoveryURL = discoveryURL
        self.groupsClaim = groupsClaim
        self.algorithms = algorithms
        self.leewaySeconds = leewaySeconds
    }

    /// The discovery URL actually fetched: the configured one, or the OIDC default derived from
    /// the issuer (a trailing slash on the issuer is not doubled, as OIDC Discovery §4 says).
    public var effectiveDiscoveryURL: String {
        if let discoveryURL { return discoveryURL }
        return URLPath.appending("/.well-known/openid-configuration", to: issuer)
    }

    /// The algorithms this issuer's tokens may use: the configured list filtered to the
    /// supported ones.
    var allowedAlgorithms: Set<SigningAlgorithm> {
        Set(algorithms.compactMap(SigningAlgorithm.init(rawValue:)))
    }

    /// Negative leeway would make valid tokens fail in confusing ways; treat it as none.
    var leeway: Double { Double(max(0, leewaySeconds)) }
}

/// Joins URL paths without doubling the slash between them.
enum URLPath {
    static func appending(_ path: String, to base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
