import GatehouseCore
import Testing

@testable import GatehouseSQL

/// SQL `EXECUTE` runs what `PREPARE` defined: it is decided and masked as that statement.
@Suite struct PreparedSQLStatementsTests {
    @Test func executeTakesItsPreparesAnalysis() {
        var session = PreparedSQLStatements()
        _ = session.apply(analysis("PREPARE q(int) AS SELECT name FROM products WHERE id = $1"))
        let executed = session.apply(analysis("EXECUTE q(7)"))
        #expect(executed.analysable)
        #expect(executed.kind == .select)
        #expect(executed.text == "EXECUTE q(7)")
        #expect(executed.reads == [table("products")])
        #expect(executed.outputs == [OutputColumn(name: "name", sources: [column("products", "name")])])
    }

    @Test func parametersAddWhatTheyRead() {
        var session = PreparedSQLStatements()
        _ = session.apply(analysis("PREPARE q(text) AS SELECT $1"))
        let executed = session.apply(analysis("EXECUTE q((SELECT email FROM customers LIMIT 1))"))
        #expect(executed.reads.contains(table("customers")))
        #expect(executed.columns.contains(column("customers", "email")))
    }

    @Test func aWriteStaysAWriteAndAnUnanalysableOneStaysSo() {
        var session = PreparedSQLStatements()
        _ = session.apply(analysis("PREPARE w AS DELETE FROM orders"))
        #expect(session.apply(analysis("EXECUTE w")).kind == .delete)
        _ = session.apply(analysis("PREPARE u AS SELECT reveal(id) FROM customers"))
        #expect(!session.apply(analysis("EXECUTE u")).analysable)
    }

    @Test func deallocateAndDiscardForget() {
        var session = PreparedSQLStatements()
        _ = session.apply(analysis("PREPARE a AS SELECT 1"))
        _ = session.apply(analysis("PREPARE b AS SELECT 2"))
        _ = session.apply(analysis("DEALLOCATE a"))
        #expect(!session.apply(analysis("EXECUTE a")).analysable)
        #expect(session.apply(analysis("EXECUTE b")).analysable)
        _ = session.apply(analysis("DISCARD ALL"))
        #expect(!session.apply(analysis("EXECUTE b")).analysable)
        _ = session.apply(analysis("PREPARE c AS SELECT 3"))
        _ = session.apply(analysis("DEALLOCATE ALL"))
        #expect(!session.apply(analysis("EXECUTE c")).analysable)
    }
}
