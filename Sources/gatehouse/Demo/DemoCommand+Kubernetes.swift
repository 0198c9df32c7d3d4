import Foundation

/// The demo's Kubernetes connection: the harness's API server stand-in (sample pods in `shop` and
/// `default`, with personal data in files and logs) on the demo's certificate, accepting only the
/// gateway's token, generated per run.
extension DemoCommand {
    static let kubeTokenVariable = "GATEHOUSE_DEMO_KUBE_TOKEN"

    func startCluster(script: String, directory: String, tls: (certificate: String, key: String)) throws -> DemoStandIn {
        announce("gatehouse demo: starting the Kubernetes API server stand-in ...")
        DemoStandIn.exportSecret(Self.kubeTokenVariable)
        return try DemoStandIn.start("Kubernetes stand-in", script: script, arguments: [
            "--token-env", Self.kubeTokenVariable, "--workdir", directory, "--tls-cert", tls.certificate, "--tls-key", tls.key,
        ], directory: directory)
    }

    /// Pods in `shop` reachable; exec and logs on the billing worker (card and bank data) wait for
    /// an approver; `env` and the service account's files refused.
    func kubernetesConnection(_ cluster: DemoStandIn, certificate: String) -> String {
        """
          - name: cluster
            type: kubernetes
            upstream:
              api_server: \(cluster.url)
              ca_file: \(certificate)
              token_env: \(Self.kubeTokenVariable)
            allowed_groups: [engineers]
            namespaces: [shop]
            personal_data:
              - {namespace: shop, pods: "billing-*", category: financial}
            commands:
              refused: [env, "printenv*", "*/var/run/secrets/*"]
            approval:
              mode: personal-data
              approver_groups: [approvers]
              hold_seconds: 120
              max_grant_minutes: 60

        """
    }

    func kubernetesInstructions(configPath: String, gatehouse: String) -> String {
        """


        Kubernetes: connection `cluster` serves an API server stand-in with sample pods (docs/kubernetes.md).
        With kubectl, as alice (the kubeconfig mints her a token at each run):

          \(gatehouse) kubeconfig --config \(configPath) --connection cluster --sub alice@example.com --groups engineers \\
            --namespace shop > alice.kubeconfig
          export KUBECONFIG=$PWD/alice.kubeconfig
          kubectl get pods
          kubectl exec customer-api-7d9f8b6c4-x2k9p -- cat /data/customers.csv     # masked
          kubectl logs customer-api-7d9f8b6c4-x2k9p                                 # masked
          kubectl exec -it customer-api-7d9f8b6c4-x2k9p -- sh                       # output masked line by line
          kubectl exec customer-api-7d9f8b6c4-x2k9p -- env                          # refused: a refused command
          kubectl get secrets                                                       # refused: not an allowed operation
          kubectl logs billing-worker-0                                             # personal data: waits for an approver
          kubectl cp customer-api-7d9f8b6c4-x2k9p:/data/customers.csv customers.csv # a masked copy
          \(gatehouse) audit replay --config \(configPath) --session <ID from the web UI> -o s.cast  # replay an exec
        """
    }
}
