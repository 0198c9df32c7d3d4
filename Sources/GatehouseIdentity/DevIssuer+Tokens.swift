import Crypto
import Foundation

extension DevIssuer {
    /// Mints an ES256 token for `subject`, valid from `now` for `ttlSeconds`. `audience`
    /// overrides the issuer's (an ID token for a login names the client that logged in);
    /// `nonce` is echoed from the login's authorization request.
    public func mintToken(
        subject: String, groups: [String], ttlSeconds: Int, username: String? = nil,
        agentApplication: String? = nil, audience: String? = nil, nonce: String? = nil, now: Date = Date()
    ) throws -> String {
        guard !subject.isEmpty else { throw DevIssuerError.invalidTokenRequest("the subject is empty") }
        guard ttlSeconds > 0 else { throw DevIssuerError.invalidTokenRequest("the lifetime must be positive, not \(ttlSeconds) s") }
        let issuedAt = Int(now.timeIntervalSince1970.rounded(.down))
        let claims = Claims(
            iss: issuerURL, sub: subject, aud: audience ?? self.audience, iat: issuedAt, nbf: issuedAt, exp: issuedAt + ttlSeconds,
            jti: UUID().uuidString, groups: groups, preferred_username: username, azp: agentApplication,
            nonce: nonce)
        let header = Header(alg: SigningAlgorithm.es256.rawValue, kid: keyID, typ: "JWT")
        let signingInput = Base64URL.encode(DevIssuerJSON.encode(header)) + "." + Base64URL.encode(DevIssuerJSON.encode(claims))
        // JWS ES256 signatures are the raw r ‖ s (RFC 7518 §3.4), not DER.
        let signature = try signingKey.signature(for: Data(signingInput.utf8)).rawRepresentation
        return signingInput + "." + Base64URL.encode(signature)
    }

    private struct Header: Encodable {
        var alg: String
        var kid: String
        var typ: String
    }

    // Field names are the claim names; nil optionals are left out of the JSON.
    private struct Claims: Encodable {
        var iss: String
        var sub: String
        var aud: String
        var iat: Int
        var nbf: Int
        var exp: Int
        var jti: String
        var groups: [String]
        var preferred_username: String?
        var azp: String?
        var nonce: String?
    }
}
