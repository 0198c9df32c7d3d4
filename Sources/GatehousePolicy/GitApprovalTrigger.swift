import GatehouseCore

/// Decides whether a Git fetch or push must wait for a human's approval. Pure, like
/// `ApprovalTrigger` for statements, and answering in the same terms so the same broker, UI and
/// grants serve both.
///
/// In `personal-data` mode a request is held when its repository matches a classified pattern
/// whose `operations` include it; in `always` mode every fetch and push is held; in `never` mode
/// nothing is held for the repository. In every mode, `extraReasons` (the push scan's findings
/// under `scan: hold`) hold the request too. Members of a break-glass group proceed, and the
/// outcome names the group so the skip can be recorded.
public struct GitApprovalTrigger: Sendable {
    public var rules: ApprovalRules
    public var repositories: [PersonalDataRepository]

    public init(rules: ApprovalRules, repositories: [PersonalDataRepository]) {
        self.rules = rules
        self.repositories = repositories
    }

    /// `personal-data` when some repository is classified, `never` otherwise.
    public static func defaultMode(for repositories: [PersonalDataRepository]) -> ApprovalMode {
        repositories.isEmpty ? .never : .personalData
    }

    public func evaluate(
        repository: String, operation: GitOperation, extraReasons: [String] = [], by principal: Principal
    ) -> ApprovalTriggerOutcome {
        guard let need = need(repository: repository, operation: operation, extraReasons: extraReasons) else { return .proceed }
        if let group = rules.breakGlassGroup(of: principal) { return .proceedByBreakGlass(group: group, need: need) }
        return .needsApproval(need)
    }

    /// What requires approval in this request, or nil when nothing does.
    public func need(repository: String, operation: GitOperation, extraReasons: [String] = []) -> ApprovalNeed? {
        let classified = repositories.filter { $0.pattern.matches(repository) }
        let holding = classified.filter { $0.operations.contains(operation) }
        let categories = Array(Set(classified.flatMap(\.categories))).sorted()
        let verb = operation == .fetch ? "fetches from" : "pushes to"
        var reasons: [String] = []
        switch rules.mode {
        case .never:
            break
        case .always:
            reasons.append("approval is required for every fetch and push on this connection")
        case .personalData:
            if let first = holding.first {
                let list = categories.isEmpty ? "" : " (\(categories.joined(separator: ", ")))"
                reasons.append("\(verb) \(repository), classified as holding personal data by pattern \(first.pattern)\(list)")
            }
        }
        reasons += extraReasons
        guard !reasons.isEmpty else { return nil }
        return ApprovalNeed(reasons: reasons, scope: ApprovalScope(
            categories: categories, repositories: [repository], gitOperations: [operation]))
    }
}
