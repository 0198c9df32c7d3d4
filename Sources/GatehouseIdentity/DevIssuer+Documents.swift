import Foundation

extension DevIssuer {
    /// The OpenID discovery document (served at <issuerURL>/.well-known/openid-configuration).
    public func discoveryDocument() -> [UInt8] {
        DevIssuerJSON.encode(
            Discovery(
                issuer: issuerURL, jwks_uri: jwksURL,
                authorization_endpoint: URLPath.appending("/authorize", to: issuerURL),
                token_endpoint: URLPath.appending("/token", to: issuerURL),
                id_token_signing_alg_values_supported: [SigningAlgorithm.es256.rawValue],
                response_types_supported: ["code"], grant_types_supported: ["authorization_code"],
                code_challenge_methods_supported: ["S256"], token_endpoint_auth_methods_supported: ["none"],
                scopes_supported: ["openid", "profile", "email"], subject_types_supported: ["public"],
                claims_supported: ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "groups", "preferred_username", "azp", "nonce"]))
    }

    /// The JWKS with the public signing key (served at <issuerURL>/jwks).
    public func jwksDocument() -> [UInt8] {
        let coordinates = Self.coordinates(of: signingKey.publicKey)
        let key = PublicJWK(kty: "EC", crv: "P-256", x: coordinates.x, y: coordinates.y, kid: keyID, alg: "ES256", use: "sig")
        return DevIssuerJSON.encode(KeySet(keys: [key]))
    }

    // Field names are the JSON member names, so no coding keys are needed.
    private struct Discovery: Encodable {
        var issuer: String
        var jwks_uri: String
        var authorization_endpoint: String
        var token_endpoint: String
        var id_token_signing_alg_values_supported: [String]
        var response_types_supported: [String]
        var grant_types_supported: [String]
        var code_challenge_methods_supported: [String]
        var token_endpoint_auth_methods_supported: [String]
        var scopes_supported: [String]
        var subject_types_supported: [String]
        var claims_supported: [String]
    }

    private struct KeySet: Encodable { var keys: [PublicJWK] }

    private struct PublicJWK: Encodable {
        var kty: String
        var crv: String
        var x: String
        var y: String
        var kid: String
        var alg: String
        var use: String
    }
}

/// Deterministic JSON for the dev issuer's documents and tokens.
enum DevIssuerJSON {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only plain strings, numbers and arrays are encoded; this cannot fail.
        return try! Array(encoder.encode(value))
    }
}
