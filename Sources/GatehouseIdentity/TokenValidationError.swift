/// Why a bearer token was refused. Each description is one English sentence that is safe to
/// show the client: it never contains the token, and values copied from the token are
/// truncated and stripped of control characters (see ``ClientSafeText``).
public enum TokenValidationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Not a compact JWS: wrong number of parts, bad base64url, header or payload not a JSON object.
    case malformed
    /// The header's `alg` is not accepted (always for `none` and HMAC; otherwise per issuer).
    case algorithmNotAllowed(String)
    /// The header lists `crit` extensions; Gatehouse understands none, so RFC 7515 says refuse.
    case unsupportedCriticalHeader(String)
    /// The (unverified) `iss` claim names no configured issuer.
    case unknownIssuer(String)
    /// The issuer's key set has no key with the token's `kid`, even after a refetch.
    case unknownKey(String)
    /// The token has no `kid` and the issuer publishes no key for its algorithm.
    case noKeyForAlgorithm(String)
    /// The token has no `kid` and the issuer publishes several keys for its algorithm.
    case keyIDRequired
    /// The `kid` names a key whose type, curve, `alg`, `use` or `key_ops` do not fit the header's algorithm.
    case keyAlgorithmMismatch(keyID: String, algorithm: String)
    case badSignature
    /// The header or the claims set names one member twice in an object (after escapes are decoded).
    case duplicateMember(String)
    /// An ID token for several audiences has no `azp` claim (OIDC Core §3.1.3.7).
    case authorizedPartyRequired
    /// An ID token's `azp` is not one of the issuer's configured audiences (OIDC Core §3.1.3.7).
    case wrongAuthorizedParty(String)
    case wrongAudience
    case expired
    case notYetValid
    case issuedInFuture
    case missingClaim(String)
    /// A claim is present with the wrong JSON type or an unusable value.
    case invalidClaim(String)
    /// The issuer's discovery document could not be fetched or is unusable.
    case discoveryFailed(String)
    /// The issuer's JWKS could not be fetched or parsed.
    case keysUnavailable(String)
    /// An ID token's `nonce` claim is missing or differs from the one the login sent.
    case nonceMismatch

    public var description: String {
        switch self {
        case .malformed:
            return "The bearer token is not a well-formed JWT: it must be a compact JWS of three base64url parts "
                + "(header.payload.signature) whose header and payload are JSON objects."
        case .algorithmNotAllowed(let algorithm):
            return "The token's signing algorithm '\(algorithm)' is not accepted for its issuer."
        case .unsupportedCriticalHeader(let names):
            return "The token marks the header parameter(s) '\(names)' as critical, which this gateway does not support."
        case .unknownIssuer(let issuer):
            return "The token's issuer '\(issuer)' is not a trusted issuer."
        case .unknownKey(let keyID):
            return "The token's signing key '\(keyID)' is not published by its issuer."
        case .noKeyForAlgorithm(let algorithm):
            return "The token names no signing key (kid) and its issuer publishes no \(algorithm) key."
        case .keyIDRequired:
            return "The token names no signing key (kid) and its issuer publishes several keys, so the key cannot be chosen."
        case .keyAlgorithmMismatch(let keyID, let algorithm):
            return "The issuer's key '\(keyID)' cannot verify a signature made with algorithm '\(algorithm)'."
        case .badSignature:
            return "The token's signature is not valid."
        case .duplicateMember(let name):
            return "The token's header or claims name the member '\(name)' more than once in one object; "
                + "JSON parsers disagree on which one counts, so the token is refused."
        case .authorizedPartyRequired:
            return "The ID token names several audiences but no authorized party (azp)."
        case .wrongAuthorizedParty(let party):
            return "The ID token's authorized party (azp) '\(party)' is not this gateway's client."
        case .wrongAudience:
            return "The token is not intended for this gateway: none of its audiences is accepted."
        case .expired:
            return "The token has expired."
        case .notYetValid:
            return "The token is not valid yet (its nbf time is in the future)."
        case .issuedInFuture:
            return "The token's issue time (iat) is in the future."
        case .missingClaim(let claim):
            return "The token has no '\(claim)' claim."
        case .invalidClaim(let claim):
            return "The token's '\(claim)' claim has the wrong type or value."
        case .discoveryFailed(let reason):
            return "The issuer's OpenID discovery document could not be used: \(reason)."
        case .keysUnavailable(let reason):
            return "The issuer's signing keys could not be obtained: \(reason)."
        case .nonceMismatch:
            return "The ID token's nonce is missing or differs from the one sent with this login, so it may be "
                + "replayed from another login."
        }
    }
}
