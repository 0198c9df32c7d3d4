/// One member of a JWKS, as published (RFC 7517). Only the public members Gatehouse uses are
/// read; private members, if a careless issuer publishes them, are ignored.
struct JSONWebKey: Sendable, Decodable {
    var kty: String
    var kid: String?
    var alg: String?
    var use: String?
    var keyOperations: [String]?
    var crv: String?
    var n: String?
    var e: String?
    var x: String?
    var y: String?

    enum CodingKeys: String, CodingKey {
        case kty, kid, alg, use, crv, n, e, x, y
        case keyOperations = "key_ops"
    }

    /// The one supported algorithm this key can verify, judged from `kty` and `crv`
    /// (RS256 for RSA, ES256 for EC P-256, EdDSA for OKP Ed25519); nil for anything else.
    var impliedAlgorithm: SigningAlgorithm? {
        switch (kty, crv) {
        case ("RSA", _): return .rs256
        case ("EC", "P-256"): return .es256
        case ("OKP", "Ed25519"): return .edDSA
        default: return nil
        }
    }

    /// Whether this key may verify `algorithm`: its type and curve must imply the algorithm,
    /// and its own `alg`, `use` and `key_ops`, when present, must agree.
    func canVerify(_ algorithm: SigningAlgorithm) -> Bool {
        guard impliedAlgorithm == algorithm else { return false }
        if let alg, alg != algorithm.rawValue { return false }
        if let use, use != "sig" { return false }
        if let keyOperations, !keyOperations.contains("verify") { return false }
        return true
    }
}

/// A JWKS document. Members that fail to decode are skipped rather than failing the whole
/// set, so one exotic key (say `kty: oct` or an encryption key) cannot lock out every token.
struct JSONWebKeySet: Decodable {
    var keys: [JSONWebKey]

    private enum CodingKeys: String, CodingKey { case keys }
    private struct Skipped: Decodable {}

    init(from decoder: Decoder) throws {
        var list = try decoder.container(keyedBy: CodingKeys.self).nestedUnkeyedContainer(forKey: .keys)
        var keys: [JSONWebKey] = []
        while !list.isAtEnd {
            if let key = try? list.decode(JSONWebKey.self) {
                keys.append(key)
            } else {
                _ = try list.decode(Skipped.self)
            }
        }
        self.keys = keys
    }
}
