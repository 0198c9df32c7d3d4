import Foundation

/// The members of an OpenID Provider's discovery document that Gatehouse relies on.
struct DiscoveryDocument: Decodable {
    var issuer: String
    var jwksURI: String
    /// Only the login client needs these; a validating-only gateway accepts a document without them.
    var authorizationEndpoint: String?
    var tokenEndpoint: String?

    enum CodingKeys: String, CodingKey {
        case issuer
        case jwksURI = "jwks_uri"
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
    }

    /// Decodes the document, refusing one for another issuer (OIDC Discovery §4.3).
    static func decode(_ bytes: [UInt8], expectedIssuer: String) -> Result<DiscoveryDocument, FetchURLPolicy.Refusal> {
        guard let document = try? JSONDecoder().decode(DiscoveryDocument.self, from: Data(bytes)) else {
            return .failure(.init("the document is not JSON with string members issuer and jwks_uri"))
        }
        guard document.issuer == expectedIssuer else {
            return .failure(.init("it names issuer '\(ClientSafeText.echo(document.issuer))' instead of '\(ClientSafeText.echo(expectedIssuer))'"))
        }
        return .success(document)
    }

    /// The JWKS URL of the expected issuer's document, refusing a key-set URL that the fetch
    /// policy does not allow.
    static func jwksURL(from bytes: [UInt8], expectedIssuer: String) -> Result<URL, FetchURLPolicy.Refusal> {
        decode(bytes, expectedIssuer: expectedIssuer).flatMap { FetchURLPolicy.check($0.jwksURI) }
    }
}
