import GatehouseCore
import GatehousePolicy
import Testing

/// The database backstop's pure parts: which statements run as the approved role, what makes a
/// login role unfit, and the set-up SQL.
@Suite struct BackstopTests {
    static let customers = RelationName(schema: "public", name: "customers")
    static let products = RelationName(schema: "public", name: "products")
    static let view = RelationName(schema: "public", name: "customer_cities")

    let classification = DataClassification(tables: [
        .init(relation: customers, category: nil, columns: ["email": "contact", "iban": "financial"]),
        .init(relation: RelationName(schema: "hr", name: "salaries"), category: "financial", columns: [:]),
    ])

    // MARK: which statements need the approved role

    @Test(arguments: [ApprovalMode.never, .always, .personalData])
    func statementsThatMayReachPersonalDataNeedTheApprovedRoleWhateverTheMode(mode: ApprovalMode) {
        let trigger = ApprovalTrigger(rules: ApprovalRules(mode: mode), classification: classification,
                                      baseRelations: { $0 == Self.view ? [Self.customers] : [$0] },
                                      isKnownRelation: { $0.name != "unknown" })
        let read = { (relation: RelationName) in StatementAnalysis(text: "", kind: .select, reads: [relation]) }
        #expect(trigger.reachesPersonalData([read(Self.customers)]))
        #expect(trigger.reachesPersonalData([read(Self.view)]))
        #expect(trigger.reachesPersonalData([read(RelationName(name: "unknown"))]))
        #expect(trigger.reachesPersonalData([StatementAnalysis(text: "", kind: .doBlock, analysable: false)]))
        #expect(!trigger.reachesPersonalData([read(Self.products)]))
        #expect(!trigger.reachesPersonalData([StatementAnalysis(text: "", kind: .transaction)]))
    }

    // MARK: the login role

    func report(_ rows: [[String?]]) -> UpstreamRoleReport { UpstreamRoleReport(rows: rows) }

    static let safeRows: [[String?]] = [
        ["privilege", "role", "agent", "false", "false"],
        ["privilege", "member", "approved", "false", ""],
        ["privilege", "read", "public", "customers", "id"],
        ["privilege", "read", "public", "products", "name"],
        ["public", "view", "definition"],  // another catalog query's row
    ]

    func problems(_ rows: [[String?]], approvedRole: String? = "approved") -> [String] {
        report(rows).problems(classification: classification, approvedRole: approvedRole,
                              baseColumns: { $0.relation == Self.view ? [ColumnReference(relation: Self.customers, column: "email")] : [$0] })
    }

    @Test func aRoleThatReadsOnlyUnclassifiedColumnsHoldsTheBackstop() {
        #expect(problems(Self.safeRows) == [])
        #expect(report(Self.safeRows).readableColumns.count == 2)
    }

    @Test func eachWayAroundTheBackstopIsNamed() {
        let rows: [[String?]] = [
            ["privilege", "role", "agent", "true", "true"],
            ["privilege", "member", "approved", "true", ""],
            ["privilege", "create", "public", "", ""],
            ["privilege", "read", "public", "customers", "email"],
            ["privilege", "read", "hr", "salaries", "amount"],
            ["privilege", "read", "public", "customer_cities", "city"],
            ["privilege", "definer", "public", "lookup_customer", "postgres"],
        ]
        let found = problems(rows)
        #expect(found.count == 6, "\(found)")
        #expect(found[0].contains("superuser") && found[1].contains("BYPASSRLS"))
        #expect(found[2] == "role agent can read 3 classified column(s) without approval (public.customers.email, hr.salaries.amount, public.customer_cities.city)")
        #expect(found[3] == "role agent can call 1 SECURITY DEFINER function(s) that run as another role (public.lookup_customer owned by postgres): REVOKE EXECUTE from PUBLIC and agent")
        #expect(found[4].contains("schema(s) public"))
        #expect(found[5].contains("inherits the privileges of approved"))
    }

    @Test func theLoginRoleMustBeAbleToSwitchToTheApprovedRole() {
        let rows = Self.safeRows.filter { $0[1] != "member" }
        #expect(problems(rows) == ["role agent cannot SET ROLE approved (the approved role): GRANT approved TO agent"])
        #expect(problems(rows, approvedRole: nil) == [])
    }

    @Test func privilegesThatCouldNotBeReadAreAProblem() {
        #expect(problems([]) == ["the privileges of the upstream role could not be read"])
    }

    // MARK: the set-up SQL

    @Test func theSetUpGivesTheLoginRoleNothingClassifiedAndTheApprovedRoleTheRest() {
        let script = BackstopSetupSQL(database: "shop", loginRole: "agent", approvedRole: "approved", classification: classification,
                                      extraSchemas: ["reporting"]).script
        for line in [
            "ALTER ROLE \"agent\" LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;",
            "GRANT \"approved\" TO \"agent\";",
            "GRANT CONNECT, TEMPORARY ON DATABASE \"shop\" TO \"agent\";",
            "REVOKE CREATE ON SCHEMA \"hr\" FROM PUBLIC, \"agent\";",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"reporting\" TO \"approved\";",
            "    WHERE (n.nspname, c.relname) IN (('public', 'customers'), ('hr', 'salaries'))",
            "    WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'hr', 'reporting')",
            "    CONTINUE WHEN (r.nspname = 'public' AND r.relname = 'customers' AND r.attname IN ('email', 'iban')) OR (r.nspname = 'hr' AND r.relname = 'salaries');",
        ] {
            #expect(script.contains(line + "\n"), "\(line)")
        }
        #expect(script.hasPrefix("-- ") && script.contains("\nBEGIN;\n") && script.contains("\nCOMMIT;\n"))
    }

    @Test func namesAreQuotedAsIdentifiersAndLiterals() {
        let script = BackstopSetupSQL(database: "sh\"op", loginRole: "o'brien", approvedRole: "ok", classification: DataClassification()).script
        #expect(script.contains("DATABASE \"sh\"\"op\" TO \"o'brien\""))
        #expect(script.contains("rolname = 'o''brien'"))
        #expect(script.contains("CONTINUE WHEN false;"))
        #expect(script.contains("IN ((NULL, NULL))"))
    }
}
