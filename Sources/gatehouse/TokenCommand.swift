import Foundation
import ArgumentParser
import GatehouseConfig
import GatehouseIdentity

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint a short-lived token from the built-in dev issuer.",
        discussion: """
            For development and the demo only: production tokens come from your OIDC provider \
            (Entra ID). The token is signed with the dev issuer key in the data directory and is \
            accepted by a gateway running the same configuration.
            """)

    @Option(help: "The configuration file (the demo writes one to <data-dir>/gatehouse.yaml).")
    var config: String = DemoCommand.defaultDataDirectory + "/gatehouse.yaml"

    @Option(help: "The subject (sub claim), e.g. alice@example.com.")
    var sub: String

    @Option(help: "Comma-separated groups (groups claim), e.g. engineers.")
    var groups: String = ""

    @Option(help: "Lifetime in seconds (default: the dev issuer's token_ttl_seconds).")
    var ttl: Int?

    @Option(help: "preferred_username claim.")
    var username: String?

    @Option(help: "The agent application (azp claim), e.g. claude-code.")
    var agent: String?

    @Flag(help: "Print a Kubernetes ExecCredential (for a kubeconfig's exec plugin, see `gatehouse kubeconfig`).")
    var execCredential = false

    func run() throws {
        let configuration = try loadConfiguration(config)
        guard let settings = configuration.devIssuer else {
            printError("\(config): identity.dev_issuer is not enabled, so Gatehouse cannot mint tokens; get one from your OIDC provider")
            throw ExitCode(1)
        }
        let issuer = try DevIssuer.loadOrCreate(
            directory: configuration.dataDirectory, issuerURL: devIssuerURL(configuration), audience: settings.audience)
        let groupList = groups.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let lifetime = ttl ?? settings.tokenTTLSeconds
        let token = try issuer.mintToken(subject: sub, groups: groupList, ttlSeconds: lifetime, username: username, agentApplication: agent)
        guard execCredential else {
            print(token)
            return
        }
        // kubectl caches it until shortly before it expires, then runs the plugin again.
        let expires = ISO8601DateFormatter().string(from: Date().addingTimeInterval(TimeInterval(lifetime)))
        let credential: [String: Any] = ["apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                                         "status": ["token": token, "expirationTimestamp": expires]]
        print(String(decoding: try JSONSerialization.data(withJSONObject: credential, options: [.sortedKeys]), as: UTF8.self))
    }
}

/// The dev issuer's URL: served by the HTTP listener under /dev-issuer.
func devIssuerURL(_ configuration: GatehouseConfiguration) -> String {
    let listener = configuration.httpListener
    // The dev issuer is served on loopback listeners only (checked with the configuration).
    let address = listener.address
    let host = address.contains(":") && !address.hasPrefix("[") ? "[\(address)]" : address
    return "\(listener.tls == nil ? "http" : "https")://\(host):\(listener.port)/dev-issuer"
}
