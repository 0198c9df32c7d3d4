import GatehouseCore
import GatehousePolicy
import Testing

@Suite struct ApprovalTriggerTests {
    static let customers = RelationName(schema: "public", name: "customers")
    static let salaries = RelationName(schema: "hr", name: "salaries")
    static let products = RelationName(schema: "public", name: "products")
    static let customerEmails = RelationName(schema: "public", name: "customer_emails")

    let classification = DataClassification(tables: [
        .init(relation: RelationName(name: "customers"), category: nil, columns: ["email": "contact", "iban": "financial"]),
        .init(relation: salaries, category: "financial", columns: [:]),
    ])

    let alice = Principal(subject: "alice", issuer: "https://issuer.example", groups: ["engineers"])
    let oncall = Principal(subject: "olga", issuer: "https://issuer.example", groups: ["engineers", "break-glass"])

    func trigger(_ mode: ApprovalMode, kinds: Set<StatementKind> = [], views: [RelationName: [RelationName]] = [:]) -> ApprovalTrigger {
        let rules = ApprovalRules(mode: mode, approverGroups: ["dpo"], breakGlassGroups: ["break-glass"],
                                  kindsRequiringApproval: kinds)
        return ApprovalTrigger(rules: rules, classification: classification, baseRelations: { views[$0] ?? [$0] })
    }

    func select(_ reads: [RelationName], columns: [ColumnReference] = []) -> StatementAnalysis {
        StatementAnalysis(text: "SELECT …", kind: .select, reads: reads, columns: columns)
    }

    func held(_ outcome: ApprovalTriggerOutcome) -> ApprovalNeed? {
        if case .needsApproval(let need) = outcome { return need }
        return nil
    }

    // MARK: personal-data mode

    @Test func personalDataModeHoldsReadsOfClassifiedTablesAndNamesCategories() throws {
        let statement = select([RelationName(name: "customers")], columns: [
            ColumnReference(relation: RelationName(name: "customers"), column: "email"),
            ColumnReference(relation: RelationName(name: "customers"), column: "id"),
        ])
        let need = try #require(held(trigger(.personalData).evaluate([statement], by: alice)))
        #expect(need.reasons == ["reads classified table public.customers (contact)"])
        #expect(need.scope.relations == [Self.customers])
        #expect(need.scope.classifiedRelations == [Self.customers])
        #expect(need.scope.columns == [ColumnReference(relation: Self.customers, column: "email")])
        #expect(need.scope.categories == ["contact"])
        #expect(need.scope.kinds == [.select])
    }

    @Test func aClassifiedTableWithoutClassifiedColumnsReferencedNamesAllItsCategories() throws {
        let need = try #require(held(trigger(.personalData).evaluate([select([Self.customers])], by: alice)))
        #expect(need.reasons == ["reads classified table public.customers (contact, financial)"])
    }

    @Test func personalDataModeLetsUnclassifiedStatementsProceed() {
        #expect(trigger(.personalData).evaluate([select([Self.products])], by: alice) == .proceed)
        // hr.salaries is classified, public.salaries is not: written out, public's proceeds.
        #expect(trigger(.personalData).evaluate([select([RelationName(schema: "public", name: "salaries")])], by: alice) == .proceed)
        #expect(trigger(.personalData).evaluate([], by: alice) == .proceed)
    }

    @Test func writesAreHeldAndSaidToBeWrites() throws {
        let update = StatementAnalysis(text: "UPDATE …", kind: .update, reads: [Self.salaries], writes: [Self.salaries])
        let insert = StatementAnalysis(text: "INSERT …", kind: .insert, writes: [Self.customers])
        let need = try #require(held(trigger(.personalData).evaluate([update, insert], by: alice)))
        #expect(need.reasons == [
            "reads and writes classified table hr.salaries (financial)",
            "writes classified table public.customers (contact, financial)",
        ])
        #expect(need.scope.relations == [Self.salaries, Self.customers].sorted())
        #expect(need.scope.kinds == [.update, .insert])
    }

    @Test func aViewOverAClassifiedTableIsHeldAndTheBaseRelationRecorded() throws {
        let views = [Self.customerEmails: [Self.customers]]
        let statement = select([RelationName(name: "customer_emails")], columns: [
            ColumnReference(relation: RelationName(name: "customer_emails"), column: "email"),
        ])
        let need = try #require(held(trigger(.personalData, views: views).evaluate([statement], by: alice)))
        #expect(need.reasons == ["reads classified table public.customers via view public.customer_emails (contact)"])
        #expect(need.scope.relations == [Self.customers])
        #expect(need.scope.columns == [ColumnReference(relation: Self.customers, column: "email")])
    }

    @Test func cteAndSubqueryReadsCountLikeAnyOtherRead() throws {
        // WITH c AS (SELECT * FROM customers) SELECT … FROM products WHERE id IN (SELECT … FROM c):
        // the analyser lists customers among the reads.
        let statement = select([Self.products, Self.customers], columns: [
            ColumnReference(relation: Self.customers, column: "*"),
        ])
        let need = try #require(held(trigger(.personalData).evaluate([statement], by: alice)))
        #expect(need.scope.columns.map(\.column).sorted() == ["email", "iban"])
        #expect(need.scope.relations == [Self.customers, Self.products])
    }

    @Test func anUnqualifiedClassifiedColumnOfATouchedTableCounts() throws {
        let statement = select([Self.customers], columns: [ColumnReference(relation: nil, column: "iban")])
        let need = try #require(held(trigger(.personalData).evaluate([statement], by: alice)))
        #expect(need.scope.categories == ["financial"])
    }

    @Test func unanalysableStatementsAreHeldFailSafe() throws {
        let doBlock = StatementAnalysis(text: "DO $$ … $$", kind: .doBlock, analysable: false,
                                        limitation: "DO blocks run code the analyser cannot see")
        let garbage = StatementAnalysis(text: "SELEKT", kind: .unknown, analysable: false)
        let need = try #require(held(trigger(.personalData).evaluate([doBlock, garbage], by: alice)))
        #expect(need.reasons == [
            "cannot be analysed: DO blocks run code the analyser cannot see",
            "cannot be analysed: unknown statement",
        ])
        #expect(!need.scope.analysable)
    }

    // MARK: other modes

    @Test func alwaysModeHoldsEveryNonEmptyStatement() throws {
        let need = try #require(held(trigger(.always).evaluate([select([Self.products])], by: alice)))
        #expect(need.reasons == ["approval is required for every statement on this connection"])
        #expect(trigger(.always).evaluate([StatementAnalysis(text: "", kind: .empty)], by: alice) == .proceed)
    }

    @Test func neverModeHoldsNothingForData() {
        let doBlock = StatementAnalysis(text: "DO $$ $$", kind: .doBlock, analysable: false)
        #expect(trigger(.never).evaluate([select([Self.customers]), doBlock], by: alice) == .proceed)
    }

    @Test func kindRulesHoldInEveryModeAndUnknownKindsFailSafe() throws {
        let ddl = StatementAnalysis(text: "DROP TABLE products", kind: .ddl, writes: [Self.products])
        for mode in ApprovalMode.allCases {
            let need = try #require(held(trigger(mode, kinds: [.ddl, .delete]).evaluate([ddl], by: alice)))
            #expect(need.reasons.contains("kind ddl requires approval"))
        }
        let unknown = StatementAnalysis(text: "??", kind: .unknown, analysable: false)
        let need = try #require(held(trigger(.never, kinds: [.ddl]).evaluate([unknown], by: alice)))
        #expect(need.reasons == ["kind unknown: it may be a kind that requires approval"])
        #expect(trigger(.never, kinds: [.ddl]).evaluate([select([Self.products])], by: alice) == .proceed)
    }

    @Test func defaultModeFollowsTheClassification() {
        #expect(ApprovalMode.defaultMode(for: classification) == .personalData)
        #expect(ApprovalMode.defaultMode(for: DataClassification()) == .never)
        #expect(ApprovalMode(rawValue: "personal-data") == .personalData)
    }

    // MARK: break-glass

    @Test func breakGlassMembersProceedAndTheGroupIsNamed() throws {
        let outcome = trigger(.personalData).evaluate([select([Self.customers])], by: oncall)
        guard case .proceedByBreakGlass(let group, let need) = outcome else {
            Issue.record("expected break-glass, got \(outcome)"); return
        }
        #expect(group == "break-glass")
        #expect(need.scope.classifiedRelations == [Self.customers])
        // Nothing to record when nothing needed approval.
        #expect(trigger(.personalData).evaluate([select([Self.products])], by: oncall) == .proceed)
    }
    /// An unqualified name goes through the session's search path, which `SET search_path = hr`
    /// changes: it stands for a classified table of that name in any schema.
    @Test func anUnqualifiedNameMayBeAClassifiedTableInAnySchema() throws {
        let need = try #require(held(trigger(.personalData).evaluate([select([RelationName(name: "salaries")])], by: alice)))
        #expect(need.reasons == ["reads classified table hr.salaries (financial)"])
    }
}

/// A relation the gateway's catalog does not know cannot be classified: fail safe.
@Suite struct ApprovalTriggerUnknownRelationTests {
    @Test func anUnknownRelationNeedsApprovalInPersonalDataModeOnly() {
        let analysis = StatementAnalysis(text: "SELECT email FROM new_view", kind: .select, reads: [RelationName(name: "new_view")])
        let known = RelationName(schema: "public", name: "products")
        func trigger(_ mode: ApprovalMode) -> ApprovalTrigger {
            ApprovalTrigger(rules: ApprovalRules(mode: mode, approverGroups: ["dpo"]), classification: DataClassification(),
                            isKnownRelation: { $0.effectiveSchema == known.schema && $0.name == known.name })
        }
        let need = trigger(.personalData).need(for: [analysis])
        #expect(need?.reasons == ["touches public.new_view, which the gateway's catalog does not know yet: treated as personal data"])
        #expect(trigger(.never).need(for: [analysis]) == nil)
        let onKnown = StatementAnalysis(text: "SELECT name FROM products", kind: .select, reads: [RelationName(name: "products")])
        #expect(trigger(.personalData).need(for: [onKnown]) == nil)
    }

    @Test func aRelationCreatedEarlierInTheRequestOrTheSessionIsKnown() {
        let scratch = RelationName(name: "scratch")
        let create = StatementAnalysis(text: "CREATE TEMP TABLE scratch (x int)", kind: .ddl, writes: [scratch], createsOrDrops: [scratch])
        let read = StatementAnalysis(text: "SELECT * FROM scratch", kind: .select, reads: [scratch])
        let trigger = ApprovalTrigger(rules: ApprovalRules(mode: .personalData, approverGroups: ["dpo"]),
                                      classification: DataClassification(), isKnownRelation: { _ in false })
        #expect(trigger.need(for: [create]) == nil)
        #expect(trigger.need(for: [create, read]) == nil)  // one Query
        #expect(trigger.need(for: [read, create]) != nil)  // read before it exists: not this rule
        #expect(trigger.need(for: [read]) != nil)
        var session = trigger
        session.createdBySession = [RelationName(schema: "pg_temp", name: "scratch")]
        #expect(session.need(for: [read]) == nil)
        // Another schema's relation of the same name is not the one the session created.
        let elsewhere = StatementAnalysis(text: "SELECT * FROM hr.scratch", kind: .select, reads: [RelationName(schema: "hr", name: "scratch")])
        #expect(session.need(for: [elsewhere]) != nil)
    }
}
