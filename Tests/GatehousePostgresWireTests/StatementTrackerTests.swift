import GatehousePostgresWire
import NIOCore
import Testing

@Suite struct StatementTrackerTests {
    let C = UInt8(ascii: "C"), E = UInt8(ascii: "E"), Z = UInt8(ascii: "Z"), I = UInt8(ascii: "I")

    func tag(_ text: String) -> ByteBuffer { var b = ByteBuffer(); b.writeNullTerminatedString(text); return b }
    func error(_ code: String) -> ByteBuffer { ErrorFields(code: code, message: "boom").encoded() }
    let idle = ByteBuffer(bytes: [UInt8(ascii: "I")])

    @Test func simpleMultiStatementQueryCompletesInOrder() {
        var tracker = StatementTracker()
        tracker.statementForwarded(id: 1, at: 1_000)
        tracker.statementForwarded(id: 2, at: 1_000)
        tracker.syncForwarded()
        let first = tracker.received(type: C, body: tag("SELECT 5"), at: 3_000)
        #expect(first.map(\.statementID) == [1] && first[0].rows == 5 && first[0].commandTag == "SELECT 5" && first[0].durationMicroseconds == 2)
        let second = tracker.received(type: C, body: tag("INSERT 0 3"), at: 4_000)
        #expect(second.map(\.statementID) == [2] && second[0].rows == 3)
        #expect(tracker.received(type: Z, body: idle, at: 5_000).isEmpty)
        #expect(tracker.unansweredStatements == 0)
    }

    @Test func anErrorFailsTheHeadAndSkipsTheRestUntilSync() {
        var tracker = StatementTracker()
        for id in 1...3 { tracker.statementForwarded(id: id, at: 0) }
        tracker.syncForwarded()
        tracker.statementForwarded(id: 4, at: 0)
        tracker.syncForwarded()
        _ = tracker.received(type: C, body: tag("SELECT 1"), at: 0)
        let failed = tracker.received(type: E, body: error("22012"), at: 0)
        #expect(failed.map(\.statementID) == [2, 3])
        #expect(failed[0].status == .failed && failed[0].errorCode == "22012")
        #expect(failed[1].status == .notExecuted)
        #expect(tracker.received(type: Z, body: idle, at: 0).isEmpty)
        // The next stretch is unaffected.
        #expect(tracker.received(type: C, body: tag("UPDATE 2"), at: 0).map(\.statementID) == [4])
    }

    @Test func readyForQuerySettlesStatementsTheServerSkipped() {
        var tracker = StatementTracker()
        tracker.statementForwarded(id: 7, at: 0)
        tracker.syncForwarded()
        let settled = tracker.received(type: Z, body: idle, at: 0)
        #expect(settled.map(\.statementID) == [7] && settled[0].status == .notExecuted)
    }

    @Test func emptyQueryAndAbandonment() {
        var tracker = StatementTracker()
        tracker.statementForwarded(id: 1, at: 0)
        tracker.statementForwarded(id: 2, at: 0)
        #expect(tracker.received(type: I, body: ByteBuffer(), at: 0).first?.status == .completed)
        #expect(tracker.abandonAll().map(\.statementID) == [2])
        #expect(tracker.unansweredStatements == 0)
    }
}
