import GatehouseCore
import Testing

@testable import GatehouseSQL

/// A FETCH returns its cursor's rows: it is decided and masked as the cursor's query.
@Suite struct DeclaredCursorsTests {
    @Test func aFetchIsAnalysedAsItsCursorsQuery() {
        var cursors = DeclaredCursors()
        _ = cursors.apply(analysis("DECLARE c CURSOR FOR SELECT upper(full_name) AS n FROM customers"))
        let fetched = cursors.apply(analysis("FETCH ALL FROM c"))
        #expect(fetched.reads == [table("customers")])
        #expect(fetched.output("n")?.sources == [column("customers", "full_name")])
        #expect(fetched.analysable)
        #expect(cursors.apply(analysis("MOVE NEXT IN c")).reads == [table("customers")])
    }

    @Test func aFetchFromAnUnknownOrClosedCursorIsUnanalysable() {
        var cursors = DeclaredCursors()
        #expect(!cursors.apply(analysis("FETCH 10 FROM elsewhere")).analysable)
        _ = cursors.apply(analysis("DECLARE c CURSOR WITH HOLD FOR SELECT id FROM products"))
        _ = cursors.apply(analysis("CLOSE c"))
        #expect(!cursors.apply(analysis("FETCH c")).analysable)
        _ = cursors.apply(analysis("DECLARE d CURSOR FOR SELECT id FROM products"))
        _ = cursors.apply(analysis("CLOSE ALL"))
        #expect(!cursors.apply(analysis("FETCH d")).analysable)
    }

    @Test func aCursorOverUnanalysableCodeStaysUnanalysable() {
        var cursors = DeclaredCursors()
        _ = cursors.apply(analysis("DECLARE c CURSOR FOR SELECT reveal(id) FROM customers"))
        let fetched = cursors.apply(analysis("FETCH c"))
        #expect(!fetched.analysable)
        #expect(fetched.limitation?.contains("calls function reveal") == true)
    }
}
