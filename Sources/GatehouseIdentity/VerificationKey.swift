import JWTKit

/// One issuer key, ready to verify signatures of exactly one algorithm.
///
/// JWTKit does the cryptography, but two of its behaviours don't suit a multi-key gateway, so
/// each key gets its own single-entry `JWTKeyCollection` and the key is chosen beforehand by
/// ``VerificationKeySet``: `JWTKeyCollection` falls back to its *default* key when the token's
/// `kid` is unknown, and a JWK with its own `alg` verifies with that algorithm whatever the
/// token header says. Building the JWK with the algorithm already checked against the header
/// makes both harmless.
struct VerificationKey: Sendable {
    let keyID: String?
    let algorithm: SigningAlgorithm
    private let keys: JWTKeyCollection

    /// Fails (and the key is left out of the set) when JWTKit rejects the key material, for
    /// example an RSA modulus under 2048 bits or an EC point not on the curve.
    init(_ jwk: JSONWebKey, algorithm: SigningAlgorithm) async throws {
        let identifier = JWKIdentifier(string: jwk.kid ?? "gatehouse-key-without-kid")
        let material: JWK
        switch algorithm {
        case .rs256:
            material = .rsa(.rs256, identifier: identifier, modulus: jwk.n, exponent: jwk.e)
        case .es256:
            material = .ecdsa(.es256, identifier: identifier, x: jwk.x, y: jwk.y, curve: .p256)
        case .edDSA:
            material = .octetKeyPair(.eddsa, identifier: identifier, x: jwk.x, y: nil, curve: .ed25519)
        }
        let keys = JWTKeyCollection()
        try await keys.add(jwk: material, isDefault: true)
        self.keyID = jwk.kid
        self.algorithm = algorithm
        self.keys = keys
    }

    /// Checks the signature only; claims are checked by ``ClaimChecks``. Either ECDSA twin
    /// (high or low S) is accepted: docs/identity.md says why.
    func verifySignature(of jws: CompactJWS) async throws(TokenValidationError) {
        do {
            _ = try await keys.verify(jws.compact, as: SignatureOnly.self)
        } catch {
            throw .badSignature
        }
    }
}

/// A payload type that decodes nothing and checks nothing, so JWTKit's verification is the
/// signature check alone.
private struct SignatureOnly: JWTPayload {
    init(from decoder: Decoder) throws {}
    func encode(to encoder: Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
