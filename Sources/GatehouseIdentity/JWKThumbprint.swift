import Crypto
import Foundation

/// RFC 7638 JWK thumbprints: the SHA-256 of the key's required members, serialised with
/// sorted names and no whitespace, base64url-encoded. Stable for a key, so it makes a good `kid`.
enum JWKThumbprint {
    static func ecP256(x: String, y: String) -> String {
        of(["crv": "P-256", "kty": "EC", "x": x, "y": y])
    }

    static func rsa(modulus: String, exponent: String) -> String {
        of(["e": exponent, "kty": "RSA", "n": modulus])
    }

    static func okp(curve: String, x: String) -> String {
        of(["crv": curve, "kty": "OKP", "x": x])
    }

    /// The members are base64url values and fixed names, so no JSON escaping is ever needed.
    private static func of(_ requiredMembers: [String: String]) -> String {
        let members = requiredMembers.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
        let canonical = "{" + members.joined(separator: ",") + "}"
        return Base64URL.encode(SHA256.hash(data: Data(canonical.utf8)))
    }
}
