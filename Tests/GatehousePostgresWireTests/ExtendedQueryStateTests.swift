import NIOCore
import Testing

@testable import GatehousePostgresWire

/// The gateway's view of prepared statements and portals changes only as the server's does:
/// what the server refuses or skips (after an error, up to Sync) is undone.
@Suite struct ExtendedQueryStateTests {
    func parse(_ name: String, _ text: String) -> FrontendMessage.Parse { .init(statementName: name, query: text) }
    func bind(_ portal: String, _ statement: String) -> FrontendMessage.Bind {
        .init(portalName: portal, statementName: statement, values: [], binary: [])
    }

    /// Parse s, then Parse s again with a decoy: the server refuses the second (the name exists)
    /// and skips the Bind after it; the portal bound next runs the first text.
    @Test func aRefusedParseOfAnExistingNameKeepsTheServersText() {
        var state = ExtendedQueryState()
        state.parsed(parse("s", "SELECT email FROM customers"))
        state.syncPointForwarded()
        state.stepConfirmed()
        state.synced()
        state.parsed(parse("s", "SELECT 1"))
        state.bound(bind("", "s"))
        state.syncPointForwarded()
        #expect(state.portal(named: "")?.statementText == "SELECT 1")  // what an Execute now would run
        state.failed()
        state.synced()
        #expect(state.statementText(named: "s") == "SELECT email FROM customers")
        #expect(state.portal(named: "") == nil)
        state.bound(bind("", "s"))
        #expect(state.portal(named: "")?.statementText == "SELECT email FROM customers")
    }

    /// A Close the server skipped (after an error) leaves the statement in place.
    @Test func aSkippedCloseLeavesTheStatement() {
        var state = ExtendedQueryState()
        state.parsed(parse("s", "SELECT 2"))
        state.syncPointForwarded()
        state.stepConfirmed()
        state.synced()
        state.bound(bind("p", "nope"))  // an unknown statement: the server fails the Bind
        state.closed(FrontendMessage.Close(isPortal: false, name: "s"))
        state.syncPointForwarded()
        state.failed()
        state.synced()
        #expect(state.statementText(named: "s") == "SELECT 2")
        #expect(state.portal(named: "p") == nil)
    }

    /// Steps after the Sync the error belongs to are the next batch's: not undone.
    @Test func anErrorUndoesOnlyItsOwnBatch() {
        var state = ExtendedQueryState()
        state.parsed(parse("a", "SELECT 1"))
        state.syncPointForwarded()
        state.parsed(parse("b", "SELECT 2"))
        state.syncPointForwarded()
        state.failed()  // a's Parse failed
        state.synced()
        #expect(state.statementText(named: "a") == nil)
        #expect(state.statementText(named: "b") == "SELECT 2")
        state.stepConfirmed()
        state.synced()
        #expect(state.statementText(named: "b") == "SELECT 2")
    }

    /// SQL PREPARE or DEALLOCATE may have redefined any name: no text is trusted afterwards.
    @Test func sqlRedefinitionsUntrustEveryName() {
        var state = ExtendedQueryState()
        state.parsed(parse("s", "SELECT 3"))
        state.syncPointForwarded()
        state.stepConfirmed()
        state.synced()
        state.preparedStatementsChangedBySQL()
        state.bound(bind("", "s"))
        #expect(state.portal(named: "")?.statementText == nil)
    }
}
