/// Why a login with the authorization code flow failed. Descriptions are safe to log and to
/// show: they never contain the code, the verifier, the client secret or a token; values from
/// the provider are passed through ``ClientSafeText``.
public enum OIDCLoginError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The discovery document could not be fetched, is for another issuer, or lacks an endpoint.
    case discoveryFailed(String)
    /// The token endpoint could not be reached or answered unreadably.
    case tokenRequestFailed(String)
    /// The provider refused the code (RFC 6749 §5.2 `error`, optional `error_description`).
    case tokenRefused(error: String, description: String?, status: Int)
    /// The token response is JSON but carries no `id_token` (the `openid` scope may be missing).
    case missingIDToken

    public var description: String {
        switch self {
        case .discoveryFailed(let reason):
            return "The issuer's OpenID discovery document could not be used for login: \(reason)."
        case .tokenRequestFailed(let reason):
            return "The authorization code could not be exchanged at the token endpoint: \(reason)."
        case .tokenRefused(let error, let description, let status):
            let detail = description.map { " (\($0))" } ?? ""
            return "The token endpoint refused the authorization code with HTTP \(status): \(error)\(detail)."
        case .missingIDToken:
            return "The token endpoint answered without an id_token; the login must request the 'openid' scope."
        }
    }
}
