import Foundation
import GatehouseKubernetes

extension ConfigurationDecoder {
    static let kubernetesConnectionKeys = ["name", "type", "upstream", "allowed_groups", "namespaces", "operations", "personal_data",
                                           "commands", "approval", "retention_days"]
    private static let kubernetesUpstreamKeys = ["api_server", "ca_file", "token_env", "token_file", "client_cert", "client_key"]
    private static let kubernetesPersonalDataKeys = ["namespace", "pods", "labels", "category"]
    private static let commandRuleKeys = ["allowed", "refused"]

    func decodeKubernetesConnection(_ entry: ConfigMapping, name: String) throws -> KubernetesConnectionConfiguration {
        var connection = KubernetesConnectionConfiguration(
            name: name, upstream: try decodeKubernetesUpstream(entry.required("upstream")),
            allowedGroups: try entry.required("allowed_groups").nonEmptyStringList(of: "group"),
            namespaces: try entry.required("namespaces").nonEmptyList(of: "namespace").map(kubernetesNamePattern))
        if let operations = try entry.optional("operations") { connection.operations = try operationList(operations) }
        if let rules = try entry.optional("personal_data") {
            connection.personalData = try rules.nonEmptyList(of: "rule").map(decodeKubeDataRule)
        }
        if let commands = try entry.optional("commands") {
            let section = try commands.mapping(allowedKeys: Self.commandRuleKeys)
            connection.commands = CommandRules(allowed: try section.optional("allowed")?.nonEmptyStringList(of: "pattern") ?? [],
                                               refused: try section.optional("refused")?.nonEmptyStringList(of: "pattern") ?? [])
        }
        connection.approval = try decodeKubernetesApproval(entry.optional("approval"), classifiedPods: connection.personalData.count)
        connection.retentionDays = try entry.optional("retention_days")?.integer(in: Self.retentionDayRange)
        return connection
    }

    private func decodeKubernetesUpstream(_ value: ConfigValue) throws -> KubernetesUpstream {
        let section = try value.mapping(allowedKeys: Self.kubernetesUpstreamKeys)
        let urlValue = try section.required("api_server")
        let url = try webURL(urlValue)
        guard let components = URLComponents(string: url), components.user == nil, components.password == nil,
              components.query == nil, components.fragment == nil, components.path.isEmpty || components.path == "/"
        else { throw urlValue.error("must be the API server's base URL (https://host:port), without a path, query or credentials") }
        let apiServer = url.hasSuffix("/") ? String(url.dropLast()) : url
        let caFile = try section.optional("ca_file").map(absolutePath)
        let token = try decodeSecretSource(in: section, environmentKey: "token_env", fileKey: "token_file", secret: "token")
        let certificate = try section.optional("client_cert")
        let key = try section.optional("client_key")
        switch (token, certificate, key) {
        case (let token?, nil, nil):
            return KubernetesUpstream(apiServer: apiServer, caFile: caFile, credential: .token(token))
        case (nil, let certificate?, let key?):
            return KubernetesUpstream(apiServer: apiServer, caFile: caFile, credential: .clientCertificate(
                certificate: try absolutePath(certificate), key: try absolutePath(key)))
        case (nil, nil, nil):
            throw value.error("needs token_env or token_file (a service account's token), or client_cert and client_key")
        case (nil, _, _):
            throw value.error("client_cert and client_key go together")
        default:
            throw value.error("use either a token or a client certificate, not both")
        }
    }

    private func decodeKubeDataRule(_ value: ConfigValue) throws -> KubeDataRule {
        let section = try value.mapping(allowedKeys: Self.kubernetesPersonalDataKeys)
        var labels: [String: String] = [:]
        if let given = try section.optional("labels") {
            for (name, labelValue) in try given.freeFormEntries() { labels[name] = try labelValue.string() }
        }
        return KubeDataRule(namespace: try kubernetesNamePattern(section.required("namespace")),
                            pods: try section.optional("pods").map(kubernetesNamePattern) ?? "*", labels: labels,
                            category: try section.required("category").nonEmptyString())
    }

    /// A namespace or pod name pattern: the characters of a DNS name and `*`.
    private func kubernetesNamePattern(_ value: ConfigValue) throws -> String {
        let pattern = try value.nonEmptyString()
        guard pattern.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-.*".unicodeScalars.contains($0) })
        else { throw value.error("'\(pattern)' is not a name pattern (lower-case letters, digits, '-', '.', and '*' as a wildcard)") }
        return pattern
    }
}
