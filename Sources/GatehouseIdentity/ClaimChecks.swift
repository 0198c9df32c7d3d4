import Foundation
import GatehouseCore

/// The registered-claim checks made after the signature verified: `iss`, `aud`, `exp`
/// (required), `nbf` and `iat` (optional), with the issuer's leeway.
struct ClaimChecks {
    let configuration: IssuerConfiguration
    let now: Date

    /// Returns the token's expiry (`exp`), which every accepted token has.
    func check(_ claims: [String: JSONValue]) throws(TokenValidationError) -> Date {
        let issuer = try claims.requiredString("iss")
        guard ExactIdentifier.same(issuer, configuration.issuer) else { throw .unknownIssuer(ClientSafeText.echo(issuer)) }
        guard ExactIdentifier.sharesAny(try claims.audiences(), configuration.audiences) else { throw .wrongAudience }
        return try checkTimes(claims)
    }

    private func checkTimes(_ claims: [String: JSONValue]) throws(TokenValidationError) -> Date {
        let now = now.timeIntervalSince1970
        let leeway = configuration.leeway
        guard let expiry = try claims.numericDate("exp") else { throw .missingClaim("exp") }
        // RFC 7519 §4.1.4: the token must be used *before* its expiry time.
        guard now < expiry + leeway else { throw .expired }
        if let notBefore = try claims.numericDate("nbf"), now + leeway < notBefore { throw .notYetValid }
        if let issuedAt = try claims.numericDate("iat"), now + leeway < issuedAt { throw .issuedInFuture }
        return Date(timeIntervalSince1970: expiry)
    }
}

extension [String: JSONValue] {
    func requiredString(_ name: String) throws(TokenValidationError) -> String {
        switch self[name] {
        case nil, .null?: throw .missingClaim(name)
        case .string(let value)?: return value
        default: throw .invalidClaim(name)
        }
    }

    /// `aud`: one string or an array of strings (RFC 7519 §4.1.3); required.
    func audiences() throws(TokenValidationError) -> [String] {
        switch self["aud"] {
        case nil, .null?: throw .missingClaim("aud")
        case .string(let audience)?: return [audience]
        case let value?:
            guard let audiences = value.arrayOfStrings else { throw .invalidClaim("aud") }
            return audiences
        }
    }

    /// A string claim that may be absent; present with another type is an error.
    func optionalString(_ name: String) throws(TokenValidationError) -> String? {
        switch self[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw .invalidClaim(name)
        }
    }

    /// A NumericDate (RFC 7519 §2): seconds since the epoch, fractions allowed.
    func numericDate(_ name: String) throws(TokenValidationError) -> Double? {
        switch self[name] {
        case nil, .null?: return nil
        case .number(let value)?: return value
        default: throw .invalidClaim(name)
        }
    }
}
