import GatehouseCore

/// OIDC Core §3.1.3.7 steps 4 and 5, for ID tokens only: an ID token for several audiences must
/// say in `azp` which of them it was issued to, and an `azp` must name this gateway (one of the
/// issuer's configured audiences: for a sign-in, the client ID), so a token issued to another
/// client that merely lists this one is refused. Access tokens are not checked this way: their
/// `azp` names the agent application that obtained them (see ``PrincipalMapping``).
enum AuthorizedPartyCheck {
    static func check(_ claims: [String: JSONValue], configuration: IssuerConfiguration) throws(TokenValidationError) {
        guard let authorizedParty = try claims.optionalString("azp") else {
            if try claims.audiences().count > 1 { throw .authorizedPartyRequired }
            return
        }
        guard ExactIdentifier.contains(configuration.audiences, authorizedParty) else {
            throw .wrongAuthorizedParty(ClientSafeText.echo(authorizedParty))
        }
    }
}
