import GatehouseSQL
import Testing
@testable import GatehouseMCP

/// What the `query` tool lets through to the gateway's own session, with PostgreSQL's own parser.
@Suite struct QueryToolRulesTests {
    let analyzer = StatementAnalyzer()

    func refusal(_ sql: String, writes: Bool = false) -> ToolRefusal? {
        QueryToolRules.refusal(analyzer.analyze(sql), connection: "shop", writesAllowed: writes)
    }

    @Test func readsPassOnAReadOnlyConnection() {
        for sql in ["SELECT * FROM customers", "SHOW search_path", "EXPLAIN SELECT 1", "TABLE products", "SELECT 1;"] {
            #expect(refusal(sql) == nil, "\(sql)")
        }
    }

    @Test func writesAndSessionChangesAreRefusedAsReadOnly() {
        for sql in ["DELETE FROM customers", "INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "CREATE TABLE t (a int)",
                    "WITH gone AS (DELETE FROM t RETURNING id) SELECT * FROM gone", "SET default_transaction_read_only = off",
                    "SELECT * INTO new_table FROM products", "DROP TABLE products", "CALL do_something()"] {
            #expect(refusal(sql)?.code == "25006", "\(sql)")
            #expect(refusal(sql, writes: true) == nil, "\(sql)")
        }
    }

    @Test func whatTheToolCannotCarryIsRefusedEvenWithWrites() {
        for sql in ["COPY customers TO STDOUT", "BEGIN", "COMMIT", "ROLLBACK", "LISTEN x", "DO $$ BEGIN END $$"] {
            #expect(refusal(sql, writes: true)?.code == "0A000", "\(sql)")
        }
    }

    @Test func oneStatementPerCall() {
        let twice = refusal("SELECT 1; SELECT 2", writes: true)
        #expect(twice?.code == "0A000")
        #expect(twice?.reason.contains("holds 2") == true)
        #expect(refusal("   ")?.code == "22023")
    }

    @Test func aPurposeIsALeadingCommentThatCannotEndEarly() {
        let text = QueryToolRules.text(sql: "SELECT 1", purpose: "TICKET-1\nDELETE FROM customers; --")
        #expect(text == "-- purpose: TICKET-1 DELETE FROM customers; --\nSELECT 1")
        #expect(analyzer.analyze(text).filter { $0.kind != .empty }.map(\.kind) == [.select])
        #expect(QueryToolRules.text(sql: "SELECT 1", purpose: "  ") == "SELECT 1")
        #expect(QueryToolRules.text(sql: "SELECT 1", purpose: nil) == "SELECT 1")
        // A carriage return ends a line comment for the server too.
        #expect(!QueryToolRules.text(sql: "SELECT 1", purpose: "a\rb").dropLast(9).contains("\r"))
    }
}
