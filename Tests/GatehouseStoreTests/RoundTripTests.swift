import Foundation
import GRDB
import GatehouseCore
import Testing

@testable import GatehouseStore

@Suite struct RoundTripTests {
    let fixture = StoreFixture()

    @Test func everyPayloadKindReadsBackEqual() async throws {
        let store = try fixture.openStore()
        defer { store.close() }
        let events = [
            SampleEvents.authentication(), SampleEvents.authentication(session: "s0", accepted: false),
            SampleEvents.statement(), SampleEvents.outcome(), SampleEvents.sessionEnd(),
            GatehouseEvent(
                time: SampleEvents.time, sessionID: "s1", connection: "demo", principal: SampleEvents.principal,
                payload: .outcome(.init(statementID: 2, status: .notExecuted, commandTag: nil, rows: nil, errorCode: "42501", durationMicroseconds: 0))),
        ]
        let sequences = try await store.record(events)
        #expect(sequences == [1, 2, 3, 4, 5, 6])
        let stored = try store.events()
        #expect(stored == zip(sequences, events).map { StoredEvent(sequence: $0, event: $1) })
    }

    @Test func columnsHoldWhatOperatorsQuery() async throws {
        let store = try fixture.openStore()
        defer { store.close() }
        try await store.record([SampleEvents.authentication(session: "s0", accepted: false), SampleEvents.statement()])
        let rows = try fixture.query { db in
            try Row.fetchAll(db, sql: "SELECT seq, time, session_id, connection, subject, kind, event FROM events ORDER BY seq")
        }
        #expect(rows.count == 2)
        #expect(rows[0]["seq"] as Int64 == 1)
        #expect(rows[0]["time"] as String == "2026-11-26T07:30:00.123Z")
        #expect(rows[0]["session_id"] as String == "s0")
        #expect(rows[0]["subject"] as String? == nil)
        #expect(rows[0]["kind"] as String == "authentication")
        #expect(rows[1]["time"] as String == "2026-11-26T07:30:00.124Z")
        #expect(rows[1]["connection"] as String == "demo")
        #expect(rows[1]["subject"] as String == SampleEvents.principal.subject)
        #expect(rows[1]["kind"] as String == "statement")
        let json = rows[1]["event"] as String
        #expect(json.hasPrefix(#"{"connection":"demo","payload":{"analysis":"#))
        #expect(json.contains(#""time":"2026-11-26T07:30:00.124Z""#))
        let statementID = try fixture.query { db in
            try Int.fetchOne(db, sql: "SELECT json_extract(event, '$.payload.statementID') FROM events WHERE kind = 'statement'")
        }
        #expect(statementID == 1)
    }

    @Test func databaseIsWALWithFullSync() throws {
        let store = try fixture.openStore()
        defer { store.close() }
        let operatorConnection = try fixture.operatorConnection()
        #expect(try operatorConnection.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        let schema = try operatorConnection.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name")
        }
        #expect(schema == ["events", "events_session"])
        let columns = try operatorConnection.read { db in try db.columns(in: "events").map(\.name) }
        #expect(columns == ["seq", "time", "session_id", "connection", "subject", "kind", "event"])
        // synchronous is per connection: check the store's own.
        let synchronous = try store.withWriterConnection { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2)  // FULL
    }

    @Test func readsFilterBySessionAndPage() async throws {
        let store = try fixture.openStore()
        defer { store.close() }
        for round in 1...3 {
            try await store.record([SampleEvents.statement(session: "a", id: round)])
            try await store.record([SampleEvents.statement(session: "b", id: round)])
        }
        #expect(try store.events(sessionID: "a").map(\.sequence) == [1, 3, 5])
        #expect(try store.events(sessionID: "b", afterSequence: 2).map(\.sequence) == [4, 6])
        #expect(try store.events(afterSequence: 1, limit: 2).map(\.sequence) == [2, 3])
        #expect(try store.events(limit: 0).isEmpty)
        #expect(try store.events(sessionID: "none").isEmpty)
    }

    @Test func orderWithinACallIsKeptAndSequencesContinueAfterReopening() async throws {
        let first = try fixture.openStore()
        let batch = (1...5).map { SampleEvents.statement(id: $0) }
        #expect(try await first.record(batch) == [1, 2, 3, 4, 5])
        #expect(try await first.record([]) == [])
        first.close()

        let reopened = try fixture.openStore()
        defer { reopened.close() }
        #expect(try await reopened.record([SampleEvents.outcome()]) == [6])
        let statementIDs = try reopened.events().compactMap { stored -> Int? in
            if case .statement(let statement) = stored.event.payload { return statement.statementID }
            return nil
        }
        #expect(statementIDs == [1, 2, 3, 4, 5])
    }

    @Test func parentDirectoriesAreCreated() throws {
        let store = try fixture.openStore()
        store.close()
        #expect(FileManager.default.fileExists(atPath: fixture.databasePath))
    }
}
