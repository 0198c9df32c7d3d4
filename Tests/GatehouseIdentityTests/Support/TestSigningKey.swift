import Crypto
import Foundation
import _CryptoExtras

@testable import GatehouseIdentity

/// A locally generated key pair with its public JWK, for forging tokens in tests.
struct TestSigningKey: @unchecked Sendable {
    let algorithm: String
    /// The public JWK as published in a JWKS (includes `kid`).
    var jwk: [String: Any]
    let sign: @Sendable ([UInt8]) throws -> [UInt8]
    /// The public key as PEM, for the HMAC key-confusion attacks.
    let publicKeyPEM: String

    var kid: String { jwk["kid"] as! String }

    static func es256(kid: String = "ec-\(UUID().uuidString.prefix(8))") -> TestSigningKey {
        let key = P256.Signing.PrivateKey()
        let raw = key.publicKey.rawRepresentation
        return TestSigningKey(
            algorithm: "ES256",
            jwk: ["kty": "EC", "crv": "P-256", "kid": kid, "x": Base64URL.encode(raw.prefix(32)), "y": Base64URL.encode(raw.suffix(32))],
            sign: { try Array(key.signature(for: Data($0)).rawRepresentation) },
            publicKeyPEM: key.publicKey.pemRepresentation)
    }

    static func rs256(kid: String = "rsa-\(UUID().uuidString.prefix(8))", bits: Int = 2048) throws -> TestSigningKey {
        let key = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: bits))
        let primitives = try key.publicKey.getKeyPrimitives()
        return TestSigningKey(
            algorithm: "RS256",
            jwk: ["kty": "RSA", "kid": kid, "n": Base64URL.encode(primitives.modulus), "e": Base64URL.encode(primitives.publicExponent)],
            sign: { try Array(key.signature(for: SHA256.hash(data: Data($0)), padding: .insecurePKCS1v1_5).rawRepresentation) },
            publicKeyPEM: key.publicKey.pemRepresentation)
    }

    static func edDSA(kid: String = "ed-\(UUID().uuidString.prefix(8))") -> TestSigningKey {
        let key = Curve25519.Signing.PrivateKey()
        return TestSigningKey(
            algorithm: "EdDSA",
            jwk: ["kty": "OKP", "crv": "Ed25519", "kid": kid, "x": Base64URL.encode(key.publicKey.rawRepresentation)],
            sign: { try Array(key.signature(for: Data($0))) },
            publicKeyPEM: "")
    }

    /// The same key material published under other JWK members (another kid, alg, use...).
    func publishing(_ changes: [String: Any?]) -> TestSigningKey {
        var copy = self
        for (name, value) in changes { copy.jwk[name] = value }
        return copy
    }

    /// A token whose header and claims are exactly these JSON texts, correctly signed: for JSON
    /// no encoder writes, such as a member named twice.
    func token(headerJSON: String, claimsJSON: String) throws -> String {
        let signingInput = Base64URL.encode(Array(headerJSON.utf8)) + "." + Base64URL.encode(Array(claimsJSON.utf8))
        return signingInput + "." + Base64URL.encode(try sign(Array(signingInput.utf8)))
    }

    /// A token with this key's algorithm and kid in the header, correctly signed.
    func token(claims: [String: Any], header extra: [String: Any] = [:], includeKeyID: Bool = true) throws -> String {
        var header: [String: Any] = ["alg": algorithm, "typ": "JWT"]
        if includeKeyID { header["kid"] = kid }
        header.merge(extra) { _, new in new }
        return try TestJWS.make(header: header, claims: claims, signature: sign)
    }
}

func jwks(_ keys: [TestSigningKey]) -> [UInt8] {
    TestJSON.encode(["keys": keys.map(\.jwk)])
}

/// Hand-assembled compact JWS, for tokens no honest signer would make.
enum TestJWS {
    static func make(header: [String: Any], claims: [String: Any], signature: ([UInt8]) throws -> [UInt8]) rethrows -> String {
        let signingInput = Base64URL.encode(TestJSON.encode(header)) + "." + Base64URL.encode(TestJSON.encode(claims))
        return signingInput + "." + Base64URL.encode(try signature(Array(signingInput.utf8)))
    }

    /// HMAC-SHA2 signed, keyed with `key`, for the algorithm-confusion attacks.
    static func hmac(_ algorithm: String, key: [UInt8], header extra: [String: Any] = [:], claims: [String: Any]) -> String {
        var header: [String: Any] = ["alg": algorithm, "typ": "JWT"]
        header.merge(extra) { _, new in new }
        let symmetricKey = SymmetricKey(data: key)
        return make(header: header, claims: claims) { input in
            switch algorithm {
            case "HS384": return Array(HMAC<SHA384>.authenticationCode(for: input, using: symmetricKey))
            case "HS512": return Array(HMAC<SHA512>.authenticationCode(for: input, using: symmetricKey))
            default: return Array(HMAC<SHA256>.authenticationCode(for: input, using: symmetricKey))
            }
        }
    }
}

/// Standard claims for `issuer` and `audience`, valid at `now` for an hour.
func standardClaims(issuer: String, audience: Any, now: Date, subject: String = "alice") -> [String: Any] {
    let issuedAt = Int(now.timeIntervalSince1970)
    return ["iss": issuer, "aud": audience, "sub": subject, "iat": issuedAt, "nbf": issuedAt, "exp": issuedAt + 3600]
}

extension TestSigningKey {
    /// The dev issuer's own key, to sign hand-made claim sets the issuer would never mint.
    init(devIssuer: DevIssuer) {
        let document = try! JSONSerialization.jsonObject(with: Data(devIssuer.jwksDocument())) as! [String: Any]
        let key = devIssuer.signingKey
        self.init(
            algorithm: "ES256", jwk: (document["keys"] as! [[String: Any]])[0],
            sign: { try Array(key.signature(for: Data($0)).rawRepresentation) },
            publicKeyPEM: key.publicKey.pemRepresentation)
    }
}
