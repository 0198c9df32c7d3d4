import Foundation

/// The members of an OpenID Provider's discovery document that Gatehouse relies on.
struct DiscoveryDocument: Decodable {
    var issuer: String
    var jwksURI: String

    enum CodingKeys: String, CodingKey {
        case issuer
        case jwksURI = "jwks_uri"
    }

    /// Decodes the document and returns the JWKS URL, refusing a document for another issuer
    /// (OIDC Discovery §4.3) or a key-set URL that the fetch policy does not allow.
    static func jwksURL(from bytes: [UInt8], expectedIssuer: String) -> Result<URL, FetchURLPolicy.Refusal> {
        guard let document = try? JSONDecoder().decode(DiscoveryDocument.self, from: Data(bytes)) else {
            return .failure(.init("the document is not JSON with string members issuer and jwks_uri"))
        }
        guard document.issuer == expectedIssuer else {
            return .failure(.init("it names issuer '\(ClientSafeText.echo(document.issuer))' instead of '\(ClientSafeText.echo(expectedIssuer))'"))
        }
        return FetchURLPolicy.check(document.jwksURI)
    }
}
