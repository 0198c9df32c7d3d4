import GatehouseCore

/// Turns the claims of a validated token into the gateway's ``Principal``.
enum PrincipalMapping {
    static func principal(from claims: [String: JSONValue], groupsClaim: String) throws(TokenValidationError) -> Principal {
        let subject = try claims.requiredString("sub")
        guard !subject.isEmpty else { throw .invalidClaim("sub") }
        // OIDC puts the client in `azp`; Entra v1 access tokens use `appid` instead.
        let authorizedParty = try claims.optionalString("azp")
        let applicationID = try claims.optionalString("appid")
        return Principal(
            subject: subject,
            issuer: try claims.requiredString("iss"),
            username: try claims.optionalString("preferred_username"),
            objectID: try claims.optionalString("oid"),
            tenantID: try claims.optionalString("tid"),
            agentApplication: authorizedParty ?? applicationID,
            groups: try groups(in: claims, claim: groupsClaim)
        )
    }

    /// An array of strings; a single string counts as one group; absent means none.
    static func groups(in claims: [String: JSONValue], claim: String) throws(TokenValidationError) -> [String] {
        switch claims[claim] {
        case nil, .null?: return []
        case .string(let group)?: return [group]
        case let value?:
            guard let groups = value.arrayOfStrings else { throw .invalidClaim(claim) }
            return groups
        }
    }
}
