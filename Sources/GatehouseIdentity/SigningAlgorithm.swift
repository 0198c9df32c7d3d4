/// The JWS algorithms Gatehouse can accept. The list is closed on purpose: `none` and the
/// HMAC family (HS256/384/512) are not representable, so a token using them is refused before
/// any key is looked at (this defeats the "HS256 keyed with the RSA public key" confusion).
public enum SigningAlgorithm: String, Sendable, CaseIterable, Hashable {
    case rs256 = "RS256"
    case es256 = "ES256"
    case edDSA = "EdDSA"
}
