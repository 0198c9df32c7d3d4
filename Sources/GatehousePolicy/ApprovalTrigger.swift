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
    /// Relations the session itself created (or dropped) through the gateway: known to it even
    /// before the catalog is read again, or where the catalog cannot see them (its own temporary
    /// tables, tables created in its open transaction). They hold only what the session's own
    /// statements, each analysed, put there.
    public var createdBySession: [RelationName]

    public init(
        rules: ApprovalRules, classification: DataClassification,
        baseRelations: @escaping @Sendable (RelationName) -> [RelationName] = { [$0] },
        isKnownRelation: @escaping @Sendable (RelationName) -> Bool = { _ in true },
        createdBySession: [RelationName] = []
    ) {
        self.rules = rules
        self.classification = classification
        self.baseRelations = baseRelations
        self.isKnownRelation = isKnownRelation
        self.createdBySession = createdBySession
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

    /// A relation the statement only creates or drops is not read, known or not; nor is one an
    /// earlier statement of the same request created (`CREATE TEMP TABLE t ...; INSERT INTO t
    /// ...; SELECT * FROM t` in one Query): it holds only what this request put there, which the
    /// analysis of those statements already answers for.
    private func unknownRelationReasons(_ statements: [StatementAnalysis]) -> [String] {
        unknownRelations(statements).map { "touches \($0.qualified), which the gateway's catalog does not know yet: treated as personal data" }
    }

    /// The relations the statements touch that neither the catalog nor this request or session
    /// (having created them) knows.
    public func unknownRelations(_ statements: [StatementAnalysis]) -> [RelationName] {
        var created = createdBySession
        var unknown: [RelationName] = []
        for statement in statements {
            let touched = statement.reads + statement.writes.filter { !statement.createsOrDrops.contains($0) || statement.reads.contains($0) }
            unknown += touched.filter { relation in !isKnownRelation(relation) && !created.contains { Self.sameRelation($0, relation) } }
            created += statement.createsOrDrops
        }
        return unknown
    }

    /// Whether two names may be one relation: the same name, and the same schema where both give
    /// one (`pg_temp` standing for the session's temporary schema, which an unqualified name
    /// reaches first).
    private static func sameRelation(_ a: RelationName, _ b: RelationName) -> Bool {
        guard a.name == b.name else { return false }
        guard let first = a.schema, let second = b.schema else { return true }
        return first == second
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
