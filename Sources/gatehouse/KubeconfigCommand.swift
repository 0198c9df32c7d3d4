import ArgumentParser
import Foundation
import GatehouseConfig

/// `gatehouse kubeconfig`: a kubeconfig for a `type: kubernetes` connection, so kubectl reaches
/// the cluster only through the gateway with the agent's own token (docs/kubernetes.md).
struct KubeconfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeconfig",
        abstract: "Print a kubeconfig that reaches a Kubernetes connection through the gateway.",
        discussion: """
            The server is the HTTP listener's /k8s/<connection> (it must have TLS: kubectl sends no \
            credentials over http), trusted with the listener's certificate. The user is a static \
            token (--token, or the GATEHOUSE_TOKEN environment variable); or, with the dev issuer, an \
            exec credential plugin that mints a fresh token at each kubectl run (--sub, --groups); or \
            any exec credential plugin that prints the agent's OIDC token (--exec-plugin), such as \
            Azure's kubelogin for Entra ID: --exec-plugin "kubelogin get-token --login workloadidentity \
            --server-id api://gatehouse".
            """)

    @Option(help: "The configuration file (the demo writes one to <data-dir>/gatehouse.yaml).")
    var config: String = DemoCommand.defaultDataDirectory + "/gatehouse.yaml"

    @Option(help: "The Kubernetes connection's name.")
    var connection: String

    @Option(help: "The gateway's base URL as agents reach it (default: the HTTP listener, a wildcard address as 127.0.0.1).")
    var server: String?

    @Option(help: "A PEM file kubectl trusts for the gateway (default: the HTTP listener's certificate).")
    var caFile: String?

    @Option(help: "A token to embed (default: the GATEHOUSE_TOKEN environment variable).")
    var token: String?

    @Option(help: "With the dev issuer: the subject the exec plugin mints tokens for, e.g. alice@example.com.")
    var sub: String?

    @Option(help: "With --sub: comma-separated groups.")
    var groups: String = ""

    @Option(help: "With --sub: the agent application (azp claim).")
    var agent: String?

    @Option(help: ArgumentHelp("A client-go exec credential plugin and its arguments, split at spaces (e.g. kubelogin get-token ...).",
                               valueName: "command"))
    var execPlugin: String?

    @Option(help: "The kubeconfig's default namespace.")
    var namespace: String?

    func run() throws {
        let path = URL(fileURLWithPath: config).standardizedFileURL.path
        let configuration = try loadConfiguration(path)
        guard configuration.kubernetesConnections.contains(where: { $0.name == connection }) else {
            let known = configuration.kubernetesConnections.map(\.name)
            printError("\(config): no Kubernetes connection named '\(connection)'"
                       + (known.isEmpty ? "" : " (there are: \(known.joined(separator: ", ")))"))
            throw ExitCode(1)
        }
        let listener = configuration.httpListener
        guard server != nil || listener.tls != nil else {
            printError("\(config): listeners.http has no TLS, and kubectl sends no credentials to an http:// server; configure "
                       + "listeners.http.tls or give --server with the https address agents use")
            throw ExitCode(1)
        }
        let base: String
        if let server {
            base = server.hasSuffix("/") ? String(server.dropLast()) : server
        } else {
            let address = ["0.0.0.0", "::"].contains(listener.address) ? "127.0.0.1" : listener.address
            base = "https://\(address.contains(":") ? "[\(address)]" : address):\(listener.port)"
        }
        var cluster: [String: Any] = ["server": "\(base)/k8s/\(connection)"]
        if let certificate = caFile ?? (server == nil ? listener.tls?.certificatePath : nil) {
            guard let pem = FileManager.default.contents(atPath: certificate) else {
                printError("cannot read the certificate \(certificate)")
                throw ExitCode(1)
            }
            cluster["certificate-authority-data"] = pem.base64EncodedString()
        }
        let user: [String: Any]
        if let execPlugin {
            let words = execPlugin.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let command = words.first, sub == nil, token == nil else {
                printError(words.isEmpty ? "--exec-plugin needs a command" : "give one of --exec-plugin, --sub and --token")
                throw ExitCode(1)
            }
            user = ["exec": ["apiVersion": "client.authentication.k8s.io/v1", "command": command, "args": Array(words.dropFirst()),
                             "interactiveMode": "IfAvailable"] as [String: Any]]
        } else if let sub {
            guard configuration.devIssuer != nil else {
                printError("\(config): --sub mints tokens with the dev issuer, which is not enabled; give --token (from your OIDC provider)")
                throw ExitCode(1)
            }
            var arguments = ["token", "--config", path, "--sub", sub, "--groups", groups, "--exec-credential"]
            if let agent { arguments += ["--agent", agent] }
            user = ["exec": ["apiVersion": "client.authentication.k8s.io/v1", "command": Executable.path(), "args": arguments,
                             "interactiveMode": "Never"] as [String: Any]]
        } else if let token = token ?? ProcessInfo.processInfo.environment["GATEHOUSE_TOKEN"], !token.isEmpty {
            user = ["token": token]
        } else {
            printError("give --token (or set GATEHOUSE_TOKEN) with the agent's OIDC token, or --sub to mint dev tokens at each kubectl run")
            throw ExitCode(1)
        }
        let name = "gatehouse-\(connection)"
        var context: [String: Any] = ["cluster": name, "user": name]
        if let namespace { context["namespace"] = namespace }
        let kubeconfig: [String: Any] = [
            "apiVersion": "v1", "kind": "Config", "current-context": name, "preferences": [String: Any](),
            "clusters": [["name": name, "cluster": cluster]], "users": [["name": name, "user": user]],
            "contexts": [["name": name, "context": context]],
        ]
        // JSON is YAML, and kubectl reads either.
        let data = try JSONSerialization.data(withJSONObject: kubeconfig, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }
}
