import Crypto
import Foundation
import GatehouseCore

/// Proof Key for Code Exchange (RFC 7636) with the S256 method, and the random values a login
/// needs. Only S256 exists here: `plain` would hand the verifier to anyone who sees the
/// authorization request.
public enum PKCE {
    /// A fresh code verifier: 32 random bytes, base64url (43 characters, within RFC 7636's 43...128).
    public static func makeVerifier() -> String { randomToken() }

    /// The S256 challenge: base64url(SHA-256(ASCII verifier)) (RFC 7636 §4.2).
    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(data: Data(verifier.utf8)))
    }

    /// 32 random bytes, base64url: for `state` and `nonce`, unguessable by an attacker.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Whether `verifier` answers `challenge`, compared in constant time.
    static func verifier(_ verifier: String, matches challenge: String) -> Bool {
        ConstantTime.equals(Self.challenge(for: verifier), challenge)
    }
}
