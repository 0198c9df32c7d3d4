import GatehouseCore

/// Decides whether a principal's statements must wait for a human's approval. Pure: the
/// classification and the view catalogue come in as values, the answer goes out.
///
/// In `personal-data` mode a statement is held when it reads or writes a classified table or
/// column (views resolved to their base relations; CTEs and subqueries are already in the
/// analysis's reads), or when it cannot be analysed (DO blocks, dynamic SQL, invisible function
/// bodies, unparsable text, unknown kinds): fail safe. In `always` mode every non-empty statement
/// is held; in `never` mode nothing is held for the data it touches. In every mode, statements of
/// a kind listed in `kindsRequiringApproval` are held, and so is a statement of unknown kind
/// when that list is not empty (it may be one of them). Members of a break-glass group proceed,
/// and the outcome names the group so the skip can be recorded.
public struct ApprovalTrigger: Sendable {
    public var rules: ApprovalRules
    public var classification: DataClassification
    /// The base relations of a view; a table answers itself (an empty answer counts as itself).
    /// It is asked with schema-qualified names (an unqualified name in a statement means `public`).
    public var baseRelations: @Sendable (RelationName) -> [RelationName]
    /// Whether the gateway's catalog knows a relation. One it does not know (created out of band
    /// since the catalog was read: a view over a classified table, say) cannot be resolved or
    /// classified, so in `personal-data` mode it is treated as personal data (fail safe).
    public var isKnownRelation: @Sendable (RelationName) -> Bool

    public init(
        rules: ApprovalRules, classification: DataClassification,
        baseRelations: @escaping @Sendable (RelationName) -> [RelationName] = { [$0] },
        isKnownRelation: @escaping @Sendable (RelationName) -> Bool = { _ in true }
    ) {
        self.rules = rules
        self.classification = classification
        self.baseRelations = baseRelations
        self.isKnownRelation = isKnownRelation
    }

    /// Whether the statements (typically those of one client message) may proceed.
    public func evaluate(_ statements: [StatementAnalysis], by principal: Principal) -> ApprovalTriggerOutcome {
        guard let need = need(for: statements) else { return .proceed }
        if let group = rules.breakGlassGroup(of: principal) { return .proceedByBreakGlass(group: group, need: need) }
        return .needsApproval(need)
    }

    /// What requires approval in these statements, or nil when nothing does.
    public func need(for statements: [StatementAnalysis]) -> ApprovalNeed? {
        // Every statement of every session passes here: skip the classification work when
        // nothing can be held.
        if rules.mode == .never && rules.kindsRequiringApproval.isEmpty { return nil }
        var touches = ApprovalTouches(classification: classification, baseRelations: baseRelations)
        statements.forEach { touches.add($0) }
        let unanalysable = statements.filter { !$0.analysable || $0.kind == .unknown }

        var reasons: [String] = []
        switch rules.mode {
        case .never:
            break
        case .always:
            if statements.contains(where: { $0.kind != .empty }) {
                reasons.append("approval is required for every statement on this connection")
            }
            reasons += touches.reasons + unanalysable.map(Self.unanalysableReason)
        case .personalData:
            reasons += touches.reasons + unanalysable.map(Self.unanalysableReason) + unknownRelationReasons(statements)
        }
        reasons += kindReasons(statements)

        let distinct = reasons.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !distinct.isEmpty else { return nil }
        let scope = touches.scope(kinds: statements.map(\.kind), analysable: unanalysable.isEmpty)
        return ApprovalNeed(reasons: distinct, scope: scope)
    }

    /// Whether the statements may reach personal data: what `personal-data` mode would hold,
    /// whatever this connection's mode. Such statements, once let through, run as the
    /// connection's approved role; the rest as the login role (the database backstop).
    public func reachesPersonalData(_ statements: [StatementAnalysis]) -> Bool {
        if statements.contains(where: { !$0.analysable || $0.kind == .unknown }) { return true }
        var touches = ApprovalTouches(classification: classification, baseRelations: baseRelations)
        statements.forEach { touches.add($0) }
        return !touches.reasons.isEmpty || !unknownRelationReasons(statements).isEmpty
    }

    private static func unanalysableReason(_ statement: StatementAnalysis) -> String {
        "cannot be analysed: \(statement.limitation ?? "\(statement.kind.rawValue) statement")"
    }

    /// A relation the statement only creates or drops is not read, known or not.
    private func unknownRelationReasons(_ statements: [StatementAnalysis]) -> [String] {
        statements.flatMap { statement in
            statement.reads + statement.writes.filter { !statement.createsOrDrops.contains($0) || statement.reads.contains($0) }
        }
            .filter { !isKnownRelation($0) }
            .map { "touches \($0.qualified), which the gateway's catalog does not know yet: treated as personal data" }
    }

    private func kindReasons(_ statements: [StatementAnalysis]) -> [String] {
        guard !rules.kindsRequiringApproval.isEmpty else { return [] }
        return statements.compactMap { statement in
            if rules.kindsRequiringApproval.contains(statement.kind) {
                return "kind \(statement.kind.rawValue) requires approval"
            }
            if statement.kind == .unknown {
                return "kind unknown: it may be a kind that requires approval"
            }
            return nil
        }
    }
}
