import GatehouseCore
import GatehousePolicy

extension ConfigurationDecoder {
    private static let approvalKeys = ["mode", "approver_groups", "minimum_approvals", "break_glass_groups", "require_for_kinds",
                                       "hold_seconds", "max_grant_minutes"]

    /// A connection's `approval` section. Absent: `personal-data` for a connection with
    /// classified data, `never` otherwise, and no approvers (held statements are then refused
    /// with a message saying so: nobody could approve them).
    func decodeApproval(_ value: ConfigValue?, classification: DataClassification) throws -> ApprovalRules {
        try decodeApproval(value, defaultMode: ApprovalMode.defaultMode(for: classification), allowedKeys: Self.approvalKeys)
    }

    /// A Git connection's `approval` section: the same keys without `require_for_kinds`
    /// (statement kinds mean nothing to Git). Absent: `personal-data` when repositories are
    /// classified, `never` otherwise.
    func decodeGitApproval(_ value: ConfigValue?, repositories: [PersonalDataRepository]) throws -> ApprovalRules {
        try decodeApproval(value, defaultMode: GitApprovalTrigger.defaultMode(for: repositories),
                           allowedKeys: Self.approvalKeys.filter { $0 != "require_for_kinds" })
    }

    func decodeBlobApproval(_ value: ConfigValue?, classifiedPaths: Int) throws -> ApprovalRules {
        try decodeApproval(value, defaultMode: BlobApprovalTrigger.defaultMode(classifiedPaths: classifiedPaths),
                           allowedKeys: Self.approvalKeys.filter { $0 != "require_for_kinds" })
    }

    func decodeKubernetesApproval(_ value: ConfigValue?, classifiedPods: Int) throws -> ApprovalRules {
        try decodeApproval(value, defaultMode: classifiedPods == 0 ? .never : .personalData,
                           allowedKeys: Self.approvalKeys.filter { $0 != "require_for_kinds" })
    }

    private func decodeApproval(_ value: ConfigValue?, defaultMode: ApprovalMode, allowedKeys: [String]) throws -> ApprovalRules {
        var rules = ApprovalRules(mode: defaultMode)
        guard let value else { return rules }
        let section = try value.mapping(allowedKeys: allowedKeys)
        if let mode = try section.optional("mode") { rules.mode = try mode.oneOf(ApprovalMode.self) }
        if let groups = try section.optional("approver_groups") { rules.approverGroups = try groups.nonEmptyStringList(of: "group") }
        if let minimum = try section.optional("minimum_approvals") { rules.minimumApprovals = try minimum.integer(in: 1...10) }
        if let groups = try section.optional("break_glass_groups") { rules.breakGlassGroups = try groups.nonEmptyStringList(of: "group") }
        if let kinds = try section.optional("require_for_kinds") {
            rules.kindsRequiringApproval = Set(try kinds.nonEmptyList(of: "statement kind").map { try $0.oneOf(StatementKind.self) })
        }
        if let seconds = try section.optional("hold_seconds") { rules.holdTimeoutSeconds = try seconds.integer(in: 1...3600) }
        if let minutes = try section.optional("max_grant_minutes") { rules.maximumGrantMinutes = try minutes.integer(in: 1...1440) }
        if let groups = try section.optional("break_glass_groups"), let overlap = rules.breakGlassGroups.first(where: rules.approverGroups.contains) {
            // A group that both approves and skips approval makes four-eyes meaningless for it.
            throw groups.error("'\(overlap)' is also an approver group; break-glass members skip approval, approvers grant it")
        }
        return rules
    }
}
