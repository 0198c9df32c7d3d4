import GatehouseCore
import Testing

@testable import GatehouseSQL

@Suite("Statement kinds")
struct StatementKindTests {
    @Test(arguments: [
        ("SELECT 1", StatementKind.select),
        ("INSERT INTO t (a) VALUES (1)", .insert),
        ("UPDATE t SET a = 1", .update),
        ("DELETE FROM t", .delete),
        ("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", .merge),
        ("COPY t TO STDOUT", .copy),
        ("COPY t FROM STDIN", .copy),
        ("CREATE TABLE t (id int)", .ddl),
        ("ALTER TABLE t ADD COLUMN b text", .ddl),
        ("DROP TABLE t", .ddl),
        ("TRUNCATE t", .ddl),
        ("GRANT SELECT ON t TO bob", .ddl),
        ("REVOKE SELECT ON t FROM bob", .ddl),
        ("CREATE INDEX ON t (a)", .ddl),
        ("CREATE VIEW v AS SELECT 1", .ddl),
        ("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", .ddl),
        ("COMMENT ON TABLE t IS 'x'", .ddl),
        ("ALTER TABLE t RENAME TO u", .ddl),
        ("BEGIN", .transaction),
        ("START TRANSACTION ISOLATION LEVEL SERIALIZABLE", .transaction),
        ("COMMIT", .transaction),
        ("ROLLBACK", .transaction),
        ("SAVEPOINT s1", .transaction),
        ("RELEASE SAVEPOINT s1", .transaction),
        ("SET search_path = app", .set),
        ("RESET ALL", .set),
        ("SET LOCAL statement_timeout = 0", .set),
        ("SHOW search_path", .show),
        ("EXPLAIN SELECT 1", .explain),
        ("CALL archive_orders(30)", .call),
        ("DO $$ BEGIN PERFORM 1; END $$", .doBlock),
        ("PREPARE q AS SELECT 1", .prepare),
        ("EXECUTE q", .execute),
        ("DEALLOCATE q", .deallocate),
        ("DEALLOCATE ALL", .deallocate),
        ("LISTEN jobs", .listen),
        ("UNLISTEN *", .listen),
        ("NOTIFY jobs, 'go'", .notify),
        ("VACUUM t", .utility),
        ("DISCARD ALL", .deallocate),
        ("LOCK TABLE t", .utility),
        ("CHECKPOINT", .utility),
        ("DECLARE c CURSOR FOR SELECT 1", .utility),
        ("FETCH 10 FROM c", .utility),
    ])
    func kind(sql: String, expected: StatementKind) {
        #expect(analysis(sql).kind == expected, "\(sql)")
    }

    @Test func explainDescribesTheInnerStatement() {
        let explained = analysis(
            "EXPLAIN ANALYZE UPDATE orders SET status = 'x' WHERE customer_id IN (SELECT id FROM customers)")
        #expect(explained.kind == .explain)
        #expect(explained.writes == [table("orders")])
        #expect(explained.reads == [table("customers")])
        #expect(explained.columns.contains(column("orders", "status")))
    }

    @Test func prepareDescribesTheInnerStatement() {
        let prepared = analysis("PREPARE q(int) AS SELECT email FROM customers WHERE id = $1")
        #expect(prepared.kind == .prepare)
        #expect(prepared.reads == [table("customers")])
        #expect(prepared.outputs == [OutputColumn(name: "email", sources: [column("customers", "email")])])
        #expect(prepared.analysable)
    }

    @Test func executeIsSeenThroughOnlyWithItsPrepare() {
        #expect(analysis("EXECUTE q(1)").prepared == PreparedStatementReference(action: .execute, name: "q"))
        var session = PreparedSQLStatements()
        let executed = session.apply(analysis("EXECUTE q(1)"))
        #expect(!executed.analysable)
        #expect(executed.limitation?.contains("prepared statement q, which the gateway did not see prepared") == true)
    }

    @Test func doBlocksAreNotAnalysable() {
        let block = analysis("DO $$ BEGIN DELETE FROM customers; END $$")
        #expect(block.kind == .doBlock)
        #expect(!block.analysable)
        #expect(block.limitation == "DO block body is not visible")
    }
}
