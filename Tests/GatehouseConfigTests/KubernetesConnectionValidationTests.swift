import GatehouseKubernetes
import Testing

@testable import GatehouseConfig

/// `connections` entries of `type: kubernetes`: the API server and the gateway's credential,
/// namespaces, operations, classification of pods and command rules.
@Suite struct KubernetesConnectionValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// MinimalConfig with a Kubernetes connection appended to `connections`; its keys start on line 13.
    func withCluster(_ entry: String) -> String {
        MinimalConfig.text + entry
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try fixture.parse(withCluster("""
              - name: prod
                type: kubernetes
                upstream:
                  api_server: "https://10.0.0.1:6443/"
                  ca_file: /etc/gatehouse/k8s-ca.pem
                  token_file: /var/run/secrets/gatehouse/token
                allowed_groups: [engineers]
                namespaces: [shop, "hr-*"]
                operations: [discovery, list-pods, exec]
                personal_data:
                  - {namespace: shop, pods: "db-*", category: customer-records}
                  - {namespace: shop, labels: {data: personal}, category: contact}
                commands:
                  refused: [env, "*/var/run/secrets/*"]
                approval: {approver_groups: [dpo], hold_seconds: 60}
                retention_days: 30

            """))
        let connection = try #require(configuration.kubernetesConnections.first)
        #expect(connection == KubernetesConnectionConfiguration(
            name: "prod",
            upstream: KubernetesUpstream(apiServer: "https://10.0.0.1:6443", caFile: "/etc/gatehouse/k8s-ca.pem",
                                         credential: .token(.file("/var/run/secrets/gatehouse/token"))),
            allowedGroups: ["engineers"], namespaces: ["shop", "hr-*"], operations: [.discovery, .listPods, .exec],
            personalData: [KubeDataRule(namespace: "shop", pods: "db-*", category: "customer-records"),
                           KubeDataRule(namespace: "shop", labels: ["data": "personal"], category: "contact")],
            commands: CommandRules(refused: ["env", "*/var/run/secrets/*"]),
            approval: connection.approval, retentionDays: 30))
        #expect(connection.approval.mode == .personalData && connection.approval.approverGroups == ["dpo"])
        #expect(configuration.approvalRulesByConnection["prod"] == connection.approval)
        let defaults = try fixture.parse(withCluster("""
              - {name: k, type: kubernetes, upstream: {api_server: "https://k8s.internal", client_cert: /c.pem, client_key: /k.pem}, allowed_groups: [a], namespaces: [default]}

            """))
        let plain = try #require(defaults.kubernetesConnections.first)
        #expect(plain.operations == KubeOperation.defaultAllowed && plain.approval.mode == .never && plain.commands == CommandRules())
        #expect(plain.upstream.credential == .clientCertificate(certificate: "/c.pem", key: "/k.pem") && plain.upstream.caFile == nil)
    }

    @Test func mistakesAreNamedWithTheirLine() {
        let upstream = "upstream: {api_server: \"https://k8s.internal\", token_env: K8S_TOKEN}"
        fixture.expectError(withCluster("  - {name: k, type: kubernetes, \(upstream), allowed_groups: [a]}\n"),
                            line: 13, keyPath: "connections[1]", problem: "namespaces")
        fixture.expectError(withCluster("  - {name: k, type: kubernetes, \(upstream), allowed_groups: [a], namespaces: [Shop]}\n"),
                            line: 13, keyPath: "connections[1].namespaces[0]", problem: "not a name pattern")
        fixture.expectError(withCluster("  - {name: k, type: kubernetes, \(upstream), allowed_groups: [a], namespaces: [x], operations: [exec, delete-pod]}\n"),
                            line: 13, keyPath: "connections[1].operations[1]", problem: "'delete-pod'")
        fixture.expectError(withCluster("  - {name: k, type: kubernetes, upstream: {api_server: \"https://k8s.internal\"}, allowed_groups: [a], namespaces: [x]}\n"),
                            line: 13, keyPath: "connections[1].upstream", problem: "needs token_env or token_file")
        fixture.expectError(withCluster("  - {name: k, type: kubernetes, upstream: {api_server: \"https://k8s.internal\", token_env: T, client_cert: /c, client_key: /k}, allowed_groups: [a], namespaces: [x]}\n"),
                            line: 13, keyPath: "connections[1].upstream", problem: "either a token or a client certificate")
        fixture.expectError(withCluster("  - {name: k, type: kubernetes, upstream: {api_server: \"https://k8s.internal/api\", token_env: T}, allowed_groups: [a], namespaces: [x]}\n"),
                            line: 13, keyPath: "connections[1].upstream.api_server", problem: "without a path")
        fixture.expectError(withCluster("  - {name: k, type: kubernetes, \(upstream), allowed_groups: [a], namespaces: [x], upload_scan: off}\n"),
                            line: 13, keyPath: "connections[1].upload_scan", problem: "unknown key")
    }
}
