import Foundation

extension ConfigurationDecoder {
    private static let webKeys = ["public_url", "login", "admin_groups", "auditor_groups", "session_minutes"]
    private static let loginKeys = ["issuer", "client_id", "client_secret_env", "client_secret_file", "scopes"]

    /// `issuers` are the decoded `identity.issuers`: the UI signs in with one of them, so that
    /// trust in an issuer is declared in one place.
    func decodeWeb(_ value: ConfigValue?, issuers: [IssuerSettings]) throws -> WebConfiguration {
        guard let value else { return WebConfiguration() }
        let section = try value.mapping(allowedKeys: Self.webKeys)
        var web = WebConfiguration()
        if let url = try section.optional("public_url") { web.publicURL = try publicURL(url) }
        if let login = try section.optional("login") { web.login = try decodeLogin(login, issuers: issuers) }
        if let groups = try section.optional("admin_groups") { web.adminGroups = try groups.nonEmptyStringList(of: "group") }
        if let groups = try section.optional("auditor_groups") { web.auditorGroups = try groups.nonEmptyStringList(of: "group") }
        if let minutes = try section.optional("session_minutes") {
            web.sessionMinutes = try minutes.integer(in: WebConfiguration.sessionMinutesRange)
        }
        return web
    }

    private func decodeLogin(_ value: ConfigValue, issuers: [IssuerSettings]) throws -> WebLoginConfiguration {
        let section = try value.mapping(allowedKeys: Self.loginKeys)
        let issuerValue = try section.required("issuer")
        let issuer = try issuerValue.nonEmptyString()
        guard issuers.contains(where: { $0.issuer == issuer }) else {
            let known = issuers.map(\.issuer)
            throw issuerValue.error("'\(issuer)' is not one of identity.issuers" + (known.isEmpty ? " (none are configured)" : " (\(known.joined(separator: ", ")))"))
        }
        var login = WebLoginConfiguration(issuer: issuer, clientID: try section.required("client_id").nonEmptyString())
        login.clientSecret = try decodeSecretSource(in: section, environmentKey: "client_secret_env", fileKey: "client_secret_file", secret: "client secret")
        if let scopes = try section.optional("scopes") {
            let listed = try scopes.nonEmptyStringList(of: "scope")
            guard listed.contains("openid") else { throw scopes.error("must include 'openid' (the UI signs in with OpenID Connect)") }
            login.scopes = listed
        }
        return login
    }

    /// An origin with an optional path prefix, no query: links in notifications and errors are built on it.
    private func publicURL(_ value: ConfigValue) throws -> String {
        let text = try webURL(value)
        guard let url = URLComponents(string: text), url.query == nil, url.fragment == nil else {
            throw value.error("'\(text)' must not have a query or fragment")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}
