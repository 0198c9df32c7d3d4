import GatehouseCore
import Testing

@testable import GatehouseSQL

@Suite("Function calls")
struct FunctionTests {
    @Test(arguments: [
        "SELECT upper(email), lower(email), length(name), coalesce(a, b), substring(ssn from 1 for 3) FROM customers",
        "SELECT count(*), sum(total), avg(total), min(total), max(total), string_agg(email, ',' ORDER BY email) FROM orders",
        "SELECT now(), current_timestamp, date_trunc('day', now()), extract(year FROM now()), version(), pg_backend_pid()",
        "SELECT json_build_object('e', email), jsonb_build_object('e', email), row_to_json(c), array_agg(email) FROM customers c",
        "SELECT pg_catalog.upper(email), pg_catalog.set_config('a.b', 'c', false), current_setting('search_path') FROM customers",
        "SELECT trim(email), round(total, 2), to_char(placed, 'YYYY'), md5(email), pg_sleep(0), concat(a, b) FROM orders",
        "SELECT x FROM generate_series(1, 10) AS x",
    ])
    func builtinsKeepTheStatementAnalysable(sql: String) {
        let result = analysis(sql)
        #expect(result.analysable, "\(sql): \(result.limitation ?? "")")
        #expect(result.limitation == nil)
    }

    @Test func userDefinedFunctionsAreNotAnalysable() {
        let result = analysis("SELECT reveal_ssn(id) FROM customers")
        #expect(!result.analysable)
        #expect(result.limitation == "calls function reveal_ssn")
    }

    @Test func schemaQualifiedUnknownFunctions() {
        let result = analysis("SELECT 1 FROM customers WHERE app.is_vip(id)")
        #expect(!result.analysable)
        #expect(result.limitation == "calls function app.is_vip")
        // A built-in's name under another schema is someone else's function.
        #expect(!analysis("SELECT public.upper(email) FROM customers").analysable)
    }

    @Test func builtinsThatReadDataTheTextDoesNotName() {
        #expect(!analysis("SELECT query_to_xml('select * from customers', true, true, '')").analysable)
        #expect(!analysis("SELECT pg_read_file('/etc/passwd')").analysable)
    }

    @Test func functionsAnywhereCount() {
        #expect(!analysis("SELECT * FROM leak_everything()").analysable)
        #expect(!analysis("UPDATE customers SET email = scramble(email)").analysable)
        #expect(!analysis("CALL purge_customers()").analysable)
        #expect(analysis("CALL purge_customers()").limitation == "calls function purge_customers")
    }
}
