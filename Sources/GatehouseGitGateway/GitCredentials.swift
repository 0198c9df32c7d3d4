import GatehouseIdentity

/// Where a git client puts the OIDC token: as the password of HTTP Basic (any user name, so
/// credential helpers work unchanged), or as `Authorization: Bearer` (`http.extraHeader`).
enum GitCredentials {
    static func token(fromAuthorization header: String?) -> String? {
        AuthorizationHeader.bearerToken(header) ?? AuthorizationHeader.basicPassword(header)
    }
}
