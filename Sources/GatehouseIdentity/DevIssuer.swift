import Crypto
import Foundation

/// The built-in issuer for local use and the embedded default: it signs ES256 tokens with a
/// P-256 key kept in the data directory, and publishes the discovery document and JWKS that
/// the gateway's HTTP listener serves, so its tokens are validated like any other issuer's.
public struct DevIssuer: Sendable {
    /// The `iss` of minted tokens; discovery and JWKS are served below it.
    public var issuerURL: String
    /// The `aud` of minted tokens.
    public var audience: String
    /// RFC 7638 thumbprint of the public key: stable for as long as the key file lives.
    public let keyID: String
    let signingKey: P256.Signing.PrivateKey

    init(signingKey: P256.Signing.PrivateKey, issuerURL: String, audience: String) {
        self.signingKey = signingKey
        self.issuerURL = issuerURL
        self.audience = audience
        let coordinates = Self.coordinates(of: signingKey.publicKey)
        self.keyID = JWKThumbprint.ecP256(x: coordinates.x, y: coordinates.y)
    }

    /// Loads the signing key from <directory>/dev-issuer-key.pem, creating it (ES256, P-256)
    /// with 0600 permissions on first use. A key file readable by group or others is refused.
    public static func loadOrCreate(directory: String, issuerURL: String, audience: String) throws -> DevIssuer {
        DevIssuer(signingKey: try DevIssuerKeyFile.loadOrCreate(directory: directory), issuerURL: issuerURL, audience: audience)
    }

    /// What the gateway validates this issuer's tokens with.
    public var issuerConfiguration: IssuerConfiguration {
        IssuerConfiguration(issuer: issuerURL, audiences: [audience], algorithms: [SigningAlgorithm.es256.rawValue])
    }

    public var jwksURL: String { URLPath.appending("/jwks", to: issuerURL) }

    /// The public key's JWK coordinates, base64url.
    static func coordinates(of publicKey: P256.Signing.PublicKey) -> (x: String, y: String) {
        let raw = publicKey.rawRepresentation  // x ‖ y, 32 bytes each
        return (Base64URL.encode(raw.prefix(32)), Base64URL.encode(raw.suffix(32)))
    }
}
