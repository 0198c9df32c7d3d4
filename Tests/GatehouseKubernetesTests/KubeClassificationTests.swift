import Testing
@testable import GatehouseKubernetes

@Suite struct KubeClassificationTests {
    let classification = KubeClassification(rules: [
        KubeDataRule(namespace: "shop", pods: "db-*", category: "customer-records"),
        KubeDataRule(namespace: "shop", labels: ["data": "personal"], category: "contact"),
        KubeDataRule(namespace: "hr-*", category: "hr-record"),
    ], namespaces: ["shop", "hr-*", "staging"])

    @Test func namespacesOutsideTheListAreNotReached() {
        #expect(classification.allows(namespace: "shop") && classification.allows(namespace: "hr-payroll"))
        #expect(!classification.allows(namespace: "kube-system") && !classification.allows(namespace: "shopping"))
        #expect(!KubeClassification(rules: [], namespaces: []).allows(namespace: "default"))
    }

    @Test func podsAreClassifiedByNameNamespaceAndLabels() {
        #expect(classification.categories(namespace: "shop", pod: "db-0", podLabels: [:]) == ["customer-records"])
        #expect(classification.categories(namespace: "shop", pod: "web-1", podLabels: ["data": "personal", "app": "web"]) == ["contact"])
        #expect(classification.categories(namespace: "shop", pod: "web-1", podLabels: ["app": "web"]) == [])
        #expect(classification.categories(namespace: "hr-payroll", pod: "x", podLabels: [:]) == ["hr-record"])
        #expect(classification.categories(namespace: "staging", pod: "db-0", podLabels: [:]) == [])
        // Labels not read yet: a rule that needs them covers the pod until they are (fail closed).
        #expect(classification.needsLabels(namespace: "shop", pod: "web-1"))
        #expect(classification.categories(namespace: "shop", pod: "web-1", podLabels: nil) == ["contact"])
        #expect(!classification.needsLabels(namespace: "hr-payroll", pod: "x"))
    }

    @Test func commandRulesRefuseFirstThenAllowOnlyWhatIsListed() {
        let rules = CommandRules(allowed: ["cat /data/*", "ls*", "sh"], refused: ["*/var/run/secrets/*", "env", "printenv*"])
        func refusal(_ words: [String]) -> String? { rules.refusal(for: ExecOptions(command: words)) }
        #expect(refusal(["cat", "/data/customers.csv"]) == nil)
        #expect(refusal(["ls"]) == nil && refusal(["ls", "-la", "/data"]) == nil && refusal(["sh"]) == nil)
        #expect(refusal(["env"])?.contains("refused pattern 'env'") == true)
        #expect(refusal(["cat", "/var/run/secrets/kubernetes.io/serviceaccount/token"])?.contains("refused") == true)
        #expect(refusal(["sh", "-c", "cat /data/x"])?.contains("none of the allowed patterns") == true)
        #expect(refusal(["printenv", "HOME"]) != nil)
        #expect(CommandRules().refusal(for: ExecOptions(command: ["anything", "goes"])) == nil)
    }

    @Test func commandPatternsAreWholeLineGlobs() {
        #expect(CommandPattern("cat *").matches("cat /a b/c"))
        #expect(!CommandPattern("cat *").matches("tac /a"))
        #expect(CommandPattern("*token*").matches("cat /var/run/secrets/token"))
        #expect(CommandPattern("a*b*c").matches("a-b-b-c") && !CommandPattern("a*b*c").matches("a-c-b"))
        #expect(CommandPattern("env").matches("env") && !CommandPattern("env").matches("env -i"))
        #expect(CommandPattern("*").matches(""))
    }
}
