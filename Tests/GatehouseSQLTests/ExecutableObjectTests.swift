import GatehouseCore
import Testing

@testable import GatehouseSQL

/// Code the server runs out of sight of the statement that triggers it: creating or changing it
/// is never fully described by its text, and names that a user may have defined again are
/// checked against the catalog (`RoutineCatalog`).
@Suite("Executable objects and shadowed built-ins")
struct ExecutableObjectTests {
    @Test(arguments: [
        "CREATE FUNCTION upper(integer) RETURNS text LANGUAGE sql AS $$ SELECT email FROM customers LIMIT 1 $$",
        "CREATE OR REPLACE FUNCTION leak(products) RETURNS text LANGUAGE sql AS $$ SELECT string_agg(email, ',') FROM customers $$",
        "CREATE PROCEDURE p() LANGUAGE sql AS $$ INSERT INTO stash SELECT email FROM customers $$",
        "ALTER FUNCTION leak(products) SECURITY DEFINER",
        "CREATE AGGREGATE grab(text) (SFUNC = textcat, STYPE = text)",
        "CREATE OPERATOR === (LEFTARG = integer, RIGHTARG = integer, FUNCTION = leak_eq)",
        "CREATE CAST (products AS text) WITH FUNCTION leak(products)",
        "CREATE TRIGGER t AFTER INSERT ON products FOR EACH ROW EXECUTE FUNCTION copy_customers()",
        "CREATE RULE r AS ON SELECT TO products DO INSTEAD SELECT * FROM customers",
        "CREATE POLICY p ON products USING (leak(products) IS NOT NULL)",
        "CREATE EXTENSION plpython3u",
        "CREATE TYPE r AS RANGE (subtype = integer, subtype_diff = leak_diff)",
        "CREATE EVENT TRIGGER e ON ddl_command_end EXECUTE FUNCTION f()",
        "ALTER SCHEMA public RENAME TO p2",
        "ALTER FUNCTION leak(products) RENAME TO upper",
        "ALTER FUNCTION leak(products) SET SCHEMA pg_temp",
        "ALTER SCHEMA public OWNER TO someone",
    ])
    func creatingOrChangingCodeIsNotAnalysable(sql: String) {
        let result = analysis(sql)
        #expect(!result.analysable, "\(sql)")
        #expect(result.limitation?.isEmpty == false)
    }

    @Test(arguments: [
        "CREATE TABLE scratch (id int, note text)",
        "CREATE INDEX ON products (name)",
        "ALTER TABLE products RENAME COLUMN name TO title",
        "CREATE TYPE mood AS ENUM ('ok', 'sad')",
    ])
    func ordinaryDefinitionsStayAnalysable(sql: String) {
        #expect(analysis(sql).analysable, "\(sql): \(analysis(sql).limitation ?? "")")
    }

    @Test(arguments: [
        "SELECT most_common_vals FROM pg_stats WHERE tablename = 'customers'",
        "SELECT * FROM pg_catalog.pg_stats",
        "SELECT stxdmcv FROM pg_statistic_ext_data",
        "SELECT most_common_vals FROM pg_stats_ext",
        "SELECT query FROM pg_stat_activity",
        "SELECT query FROM public.pg_stat_statements",
        "SELECT s.* FROM (SELECT * FROM pg_stats) s",
    ])
    func statisticsAndStatementTextsAreNotAnalysable(sql: String) {
        let result = analysis(sql)
        #expect(!result.analysable, "\(sql)")
        #expect(result.limitation?.contains("holds values of other tables' columns") == true)
    }

    @Test func aUserRelationNamedLikeAStatisticsViewIsItself() {
        #expect(analysis("SELECT * FROM public.pg_stats").analysable)
    }

    @Test func functionsAndOperatorsAreListedAsWritten() {
        let result = analysis("SELECT upper(name), pg_catalog.lower(name) FROM products p JOIN orders o USING (id) WHERE price + 1 > 2 AND name LIKE 'a%' AND id BETWEEN 1 AND 5 AND id IN (SELECT 1)")
        #expect(result.functions == ["upper", "pg_catalog.lower"])
        #expect(Set(result.operators) == ["=", "+", ">", "~~", ">=", "<="])
        #expect(analysis("SELECT 1 FROM products WHERE id OPERATOR(public.===) 3").operators == ["public.==="])
    }

    @Test(arguments: [
        "SET standard_conforming_strings = off",
        "SET SESSION standard_conforming_strings TO off",
        "RESET standard_conforming_strings",
        "SELECT set_config('standard_conforming_strings', 'off', false)",
        "SELECT set_config(name, 'off', false) FROM settings",
    ])
    func changingHowTheServerReadsTextIsForbidden(sql: String) {
        #expect(analysis(sql).forbidden != nil, "\(sql)")
    }

    @Test(arguments: [
        "SET ROLE gatehouse_approved",
        "SET LOCAL ROLE gatehouse_approved",
        "RESET ROLE",
        "SET SESSION AUTHORIZATION postgres",
        "RESET SESSION AUTHORIZATION",
        "SELECT set_config('role', 'gatehouse_approved', false)",
        "SELECT pg_catalog.set_config('ROLE', 'gatehouse_approved', true)",
        "SELECT set_config('session_authorization', 'postgres', false)",
    ])
    func changingTheRoleStatementsRunAsIsForbidden(sql: String) {
        #expect(analysis(sql).forbidden?.contains("the gateway chooses the role") == true, "\(sql)")
    }

    @Test func otherSettingsAreNotForbidden() {
        #expect(analysis("RESET ALL").forbidden == nil)
        #expect(analysis("SET statement_timeout = 0").forbidden == nil)
        #expect(analysis("SELECT set_config('search_path', '', false)").forbidden == nil)
        // One shape, two literals: the shape cache must not hand the first one's verdict on.
        let analyzer = StatementAnalyzer()
        _ = analyzer.analyze("SELECT set_config('application_name', 'x', false)")
        #expect(analyzer.analyze("SELECT set_config('standard_conforming_strings', 'off', false)")[0].forbidden != nil)
    }

    @Test func aSettingNamedByTheOnePgSettingsRowIsCheckedByThatName() {
        // pg_dump 15.8 and later.
        let dump = "SELECT set_config(name, 'view, foreign-table', false) FROM pg_settings WHERE name = 'restrict_nonsystem_relation_kind'"
        #expect(analysis(dump).forbidden == nil)
        #expect(analysis("SELECT set_config(name, 'off', false) FROM pg_catalog.pg_settings WHERE name = 'standard_conforming_strings'")
            .forbidden?.contains("changes how the server reads statements") == true)
        // Any other shape names the setting at run time.
        for sql in ["SELECT set_config(name, 'x', false) FROM pg_settings WHERE name LIKE 'standard%'",
                    "SELECT set_config(name, 'x', false) FROM pg_settings",
                    "SELECT set_config(name, 'x', false) FROM my_settings WHERE name = 'a'",
                    "SELECT set_config(setting, 'x', false) FROM pg_settings WHERE name = 'a'"] {
            #expect(analysis(sql).forbidden != nil, "\(sql)")
        }
    }
}

@Suite("Routine catalog")
struct RoutineCatalogTests {
    let catalog = RoutineCatalog(rows: [
        ["routine", "function", "public", "upper"], ["routine", "function", "public", "leak"],
        ["routine", "operator", "public", "+"], ["routine", "operator", "app", "==="],
        ["routine", "type", "public", "checked_email"], ["routine", "type", "app", "box"],
        ["routine", "typed-relation", "public", "boxes"], ["routine", "typed-relation", "pg_temp_3", "scratch"],
        ["routine", "triggered-relation", "public", "audited"],
        ["public", "view", "definition"],  // another query's row
    ])
    let columns: [RelationName: [String]] = [RelationName(schema: "public", name: "products"): ["id", "name", "price"]]

    func check(_ sql: String) -> StatementAnalysis {
        catalog.check(analysis(sql)) { relation, column in
            columns[RelationName(schema: relation.effectiveSchema, name: relation.name)].map { $0.contains(column) }
        }
    }

    @Test func aBuiltinNameTheDatabaseDefinesAgainIsNotAnalysable() {
        let result = check("SELECT upper(id) FROM products")
        #expect(!result.analysable)
        #expect(result.limitation?.contains("calls upper, which the database also defines in public") == true)
        #expect(check("SELECT pg_catalog.upper(name) FROM products").analysable)
        #expect(check("SELECT lower(name) FROM products").analysable)
    }

    @Test func operatorsTheDatabaseDefinesAgain() {
        #expect(!check("SELECT id + 1 FROM products").analysable)
        #expect(check("SELECT id - 1 FROM products").analysable)
        #expect(check("SELECT id OPERATOR(pg_catalog.+) 1 FROM products").analysable)
    }

    @Test func attributeNotationCallsAreNotColumns() {
        #expect(!check("SELECT p.leak FROM products p").analysable)
        #expect(!check("SELECT (p).leak FROM products p").analysable)
        #expect(check("SELECT p.name FROM products p").analysable)
    }

    @Test func aCastToATypeThatRunsCodeIsNotAnalysable() {
        let result = check("SELECT 'x'::checked_email")
        #expect(!result.analysable)
        #expect(result.limitation?.contains("casts to checked_email (defined in public)") == true)
        #expect(!check("SELECT CAST(name AS app.box) FROM products").analysable)
        #expect(!check("SELECT ARRAY['a']::checked_email[]").analysable)
        #expect(!check("SELECT ROW(1)::boxes").analysable)  // a relation's row type
        // Another schema's type of the same name, and types that run no user code, pass.
        #expect(check("SELECT CAST(name AS public.box) FROM products").analysable)
        #expect(check("SELECT id::text, price::numeric(10, 2) FROM products").analysable)
    }

    @Test func aRelationWithAColumnOfSuchATypeIsNotAnalysable() {
        // `box::text` names only a built-in type: the cast's function runs because of the column.
        let result = check("SELECT b::text FROM boxes b")
        #expect(!result.analysable)
        #expect(result.limitation?.contains("boxes (in public) has a column of a type whose values run user-defined code") == true)
        #expect(!check("INSERT INTO public.boxes VALUES (ROW(1))").analysable)
        #expect(!check("SELECT * FROM pg_temp.scratch").analysable)
        #expect(!check("SELECT * FROM scratch").analysable)
        #expect(check("SELECT * FROM app.boxes").analysable)
    }

    @Test func writingARelationWithTriggersOrRulesIsNotAnalysable() {
        let result = check("INSERT INTO audited VALUES (1)")
        #expect(!result.analysable)
        #expect(result.limitation?.contains("writing audited (in public) runs its triggers or rules") == true)
        #expect(!check("UPDATE public.audited SET id = 2").analysable)
        #expect(!check("WITH moved AS (DELETE FROM audited RETURNING id) SELECT * FROM moved").analysable)
        #expect(check("SELECT * FROM audited").analysable)
        #expect(check("INSERT INTO app.audited VALUES (1)").analysable)
    }

    @Test func theAnalysisListsTheTypesAStatementCastsTo() {
        #expect(analysis("SELECT 'x'::checked_email, CAST(1 AS app.box), text 'y'").types == ["checked_email", "app.box", "text"])
        #expect(analysis("SELECT 1::int").types == ["pg_catalog.int4"])
    }

    @Test func builtinsAreWhatTheDatabaseHasInItsSystemSchemas() {
        let database = RoutineCatalog(rows: [
            ["routine", "builtin", "pg_catalog", "upper"], ["routine", "builtin", "pg_catalog", "to_regtype"],
            ["routine", "builtin", "pg_catalog", "like_escape"], ["routine", "builtin", "pg_catalog", "acldefault"],
            ["routine", "builtin", "pg_catalog", "query_to_xml"], ["routine", "builtin", "pg_catalog", "lo_export"],
            ["routine", "builtin", "information_schema", "_pg_expandarray"],
        ])
        func check(_ sql: String) -> StatementAnalysis { database.check(sharedAnalyzer.analyze(sql)[0]) { _, _ in nil } }
        #expect(check("SELECT to_regtype('hstore'), pg_catalog.acldefault('r', 10)").analysable)
        #expect(check("SELECT name FROM products WHERE name LIKE 'a!%' ESCAPE '!'").analysable)  // like_escape
        #expect(check("SELECT x FROM information_schema._pg_expandarray(ARRAY[1, 2]) x").analysable)
        // Only qualified: unqualified, the search path does not reach information_schema.
        #expect(!check("SELECT _pg_expandarray(ARRAY[1])").analysable)
        // Built-ins that read what the text does not name, and names the database does not have.
        #expect(check("SELECT query_to_xml('SELECT email FROM customers', true, true, '')").limitation
                == "calls query_to_xml, which runs a query or reads whole tables named by a string")
        #expect(!check("SELECT lo_export(16400, '/tmp/x')").analysable)
        #expect(check("SELECT made_up(1)").limitation == "calls function made_up")
        #expect(check("SELECT app.to_regtype('x')").limitation == "calls function app.to_regtype")
        // Before the catalog is read, the short list stands in.
        #expect(!RoutineCatalog().check(sharedAnalyzer.analyze("SELECT to_regtype('hstore')")[0]) { _, _ in nil }.analysable)
    }

    @Test func anEmptyCatalogChangesNothing() {
        let plain = analysis("SELECT upper(name) FROM products")
        #expect(RoutineCatalog().check(plain) { _, _ in nil } == plain)
    }
}
