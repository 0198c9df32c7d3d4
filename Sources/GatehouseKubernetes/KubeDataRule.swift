import GatehousePolicy

/// One `personal_data` entry of a Kubernetes connection: pods whose output holds personal data,
/// by namespace, pod name and labels, and its category. Exec, attach and logs on such a pod wait
/// for approval; their output is masked like every pod's.
public struct KubeDataRule: Sendable, Equatable {
    /// Namespaces the rule covers (`*` wildcards).
    public var namespace: PathPattern
    /// Pod names it covers; `*` (every pod) unless given.
    public var pods: PathPattern
    /// Labels a pod must carry (all of them, exact values) to be covered; empty: any pod.
    public var labels: [String: String]
    public var category: String

    public init(namespace: String, pods: String = "*", labels: [String: String] = [:], category: String) {
        self.namespace = PathPattern(namespace)
        self.pods = PathPattern(pods)
        self.labels = labels
        self.category = category
    }

    /// Whether the rule covers this pod. `podLabels` nil means not known yet: a rule that needs
    /// labels then covers the pod (fail closed) until they are read from the API server.
    public func covers(namespace: String, pod: String, podLabels: [String: String]?) -> Bool {
        guard self.namespace.matches(namespace), pods.matches(pod) else { return false }
        guard !labels.isEmpty else { return true }
        guard let podLabels else { return true }
        return labels.allSatisfy { podLabels[$0.key] == $0.value }
    }

    /// Whether deciding needs the pod's labels.
    public var needsLabels: Bool { !labels.isEmpty }
}

/// The classification of a connection's pods and where agents may go at all.
public struct KubeClassification: Sendable, Equatable {
    public var rules: [KubeDataRule]
    /// Namespaces agents may reach; empty means none (every request naming a namespace is refused).
    public var namespaces: [PathPattern]

    public init(rules: [KubeDataRule], namespaces: [String]) {
        self.rules = rules
        self.namespaces = namespaces.map(PathPattern.init)
    }

    public func allows(namespace: String) -> Bool {
        namespaces.contains { $0.matches(namespace) }
    }

    /// The categories of personal data a pod holds (sorted, distinct); empty when none.
    public func categories(namespace: String, pod: String, podLabels: [String: String]?) -> [String] {
        Array(Set(rules.filter { $0.covers(namespace: namespace, pod: pod, podLabels: podLabels) }.map(\.category))).sorted()
    }

    /// Whether any rule for this namespace and pod name depends on labels.
    public func needsLabels(namespace: String, pod: String) -> Bool {
        rules.contains { $0.needsLabels && $0.namespace.matches(namespace) && $0.pods.matches(pod) }
    }
}
