import GatehouseCore

/// Decides whether a Kubernetes request must wait for a human's approval. Pure, like
/// `BlobApprovalTrigger`, answering in the same terms so the same broker, UI and grants serve it.
///
/// In `personal-data` mode exec, attach and logs on a pod the connection classifies are held; in
/// `always` mode those on every pod; in `never` mode none. Listings and pod details are not held
/// (their personal data is masked). Members of a break-glass group proceed, and the outcome names
/// the group so the skip can be recorded.
public struct KubeApprovalTrigger: Sendable {
    public var rules: ApprovalRules

    public init(rules: ApprovalRules) {
        self.rules = rules
    }

    /// `categories`: what the classification says the pod holds (empty: unclassified).
    public func evaluate(pod: String, operation: String, categories: [String], by principal: Principal) -> ApprovalTriggerOutcome {
        guard let need = need(pod: pod, operation: operation, categories: categories) else { return .proceed }
        if let group = rules.breakGlassGroup(of: principal) { return .proceedByBreakGlass(group: group, need: need) }
        return .needsApproval(need)
    }

    /// `pod` is `namespace/pod`.
    public func need(pod: String, operation: String, categories: [String]) -> ApprovalNeed? {
        var reasons: [String] = []
        switch rules.mode {
        case .never:
            break
        case .always:
            reasons.append("approval is required for every exec and log on this connection")
        case .personalData:
            if !categories.isEmpty {
                reasons.append("\(operation) reaches \(pod), classified as holding personal data (\(categories.joined(separator: ", ")))")
            }
        }
        guard !reasons.isEmpty else { return nil }
        return ApprovalNeed(reasons: reasons, scope: ApprovalScope(categories: categories, pods: [pod], kubeOperations: [operation]))
    }
}
