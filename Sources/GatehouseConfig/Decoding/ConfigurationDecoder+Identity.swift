import GatehouseCore
import Foundation

extension ConfigurationDecoder {
    private static let issuerKeys = ["issuer", "audiences", "discovery_url", "groups_claim", "algorithms", "leeway_seconds"]
    private static let leewayRange = 0...300
    private static let tokenTTLRange = 1...86400

    func decodeIdentity(_ value: ConfigValue?, in document: ConfigMapping) throws -> ([IssuerSettings], DevIssuerSettings?) {
        let noIssuer = "at least one issuer, or the dev issuer, must be configured"
        guard let value else { throw document.value.error("'identity' is required: \(noIssuer)") }
        let identity = try value.mapping(allowedKeys: ["issuers", "dev_issuer"])
        let issuers = try decodeIssuers(identity.optional("issuers"))
        let devIssuer = try identity.optional("dev_issuer").flatMap(decodeDevIssuer)
        guard !issuers.isEmpty || devIssuer != nil else { throw value.error(noIssuer) }
        return (issuers, devIssuer)
    }

    /// The dev issuer signs anyone in as anyone: it is no security boundary, so it is served
    /// only where nobody but this machine can reach it (docs/identity.md).
    func checkDevIssuerStaysLocal(_ identity: ConfigValue, httpListener: HTTPListenerConfiguration, web: WebConfiguration) throws {
        let blame = try identity.mapping(allowedKeys: ["issuers", "dev_issuer"]).optional("dev_issuer") ?? identity
        guard isLoopbackHost(httpListener.address) else {
            throw blame.error("the dev issuer is for development on one machine and needs a loopback HTTP listener, "
                              + "but listeners.http.address is '\(httpListener.address)': use 127.0.0.1, or a real issuer")
        }
        if let publicURL = web.publicURL, !isLoopbackHost(URLComponents(string: publicURL)?.host ?? "") {
            throw blame.error("the dev issuer is for development on one machine, but web.public_url '\(publicURL)' is not on loopback: "
                              + "configure a real issuer")
        }
    }

    private func decodeIssuers(_ value: ConfigValue?) throws -> [IssuerSettings] {
        guard let value else { return [] }
        var issuers: [IssuerSettings] = []
        for item in try value.list() {
            let entry = try item.mapping(allowedKeys: Self.issuerKeys)
            let issuerValue = try entry.required("issuer")
            var settings = try IssuerSettings(
                issuer: webURL(issuerValue),
                audiences: entry.required("audiences").nonEmptyStringList(of: "audience"),
                discoveryURL: entry.optional("discovery_url").map(webURL))
            if issuers.contains(where: { $0.issuer == settings.issuer }) {
                throw issuerValue.error("issuer \(settings.issuer) is configured twice")
            }
            if let claim = try entry.optional("groups_claim") { settings.groupsClaim = try claim.nonEmptyString() }
            if let algorithms = try entry.optional("algorithms") { settings.algorithms = try decodeAlgorithms(algorithms) }
            if let leeway = try entry.optional("leeway_seconds") { settings.leewaySeconds = try leeway.integer(in: Self.leewayRange) }
            issuers.append(settings)
        }
        return issuers
    }

    /// Only asymmetric algorithms: `none` accepts unsigned tokens, and HMAC would mean the
    /// verification key can also mint tokens.
    private func decodeAlgorithms(_ value: ConfigValue) throws -> [String] {
        let permitted = IssuerSettings.permittedAlgorithms
        return try value.nonEmptyList(of: "algorithm").map { item in
            let name = try item.string()
            guard permitted.contains(name) else {
                throw item.error("'\(name)' is not allowed (only \(permitted.joined(separator: ", ")))")
            }
            return name
        }
    }

    /// nil when the dev issuer is present but not enabled (its settings are still checked).
    private func decodeDevIssuer(_ value: ConfigValue) throws -> DevIssuerSettings? {
        let section = try value.mapping(allowedKeys: ["enabled", "audience", "token_ttl_seconds"])
        var settings = DevIssuerSettings()
        if let audience = try section.optional("audience") { settings.audience = try audience.nonEmptyString() }
        if let ttl = try section.optional("token_ttl_seconds") { settings.tokenTTLSeconds = try ttl.integer(in: Self.tokenTTLRange) }
        let enabled = try section.optional("enabled")?.bool() ?? false
        return enabled ? settings : nil
    }

    /// An https URL; plain http only for a loopback host (a local test provider), since
    /// keys fetched over http could be swapped in transit.
    func webURL(_ value: ConfigValue) throws -> String {
        let text = try value.nonEmptyString()
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            let host = url.host, !host.isEmpty
        else { throw value.error("'\(text)' is not a URL") }
        switch scheme {
        case "https": return text
        case "http" where isLoopbackHost(host): return text
        case "http": throw value.error("'\(text)' must use https (http is accepted only for localhost)")
        default: throw value.error("'\(text)' is not an https URL")
        }
    }
}
