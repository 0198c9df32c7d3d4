import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// The gateway's recorder: events in, sealed entries and wrapped session keys out, failing closed.
@Suite struct LedgerRecorderTests {
    let fixture = RecorderFixture()

    @Test func everyEventKindReadsBackEqual() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        let events = [
            SampleEvents.authentication(), SampleEvents.statement(), SampleEvents.outcome(), SampleEvents.sessionEnd(),
            GatehouseEvent(time: SampleEvents.time, sessionID: "erasure-1", connection: nil, principal: nil,
                           payload: .erasure(.init(scope: "session", sessions: ["s0"], reason: "DSAR-7", requestedBy: "dpo"))),
            GatehouseEvent(time: SampleEvents.time, sessionID: "gateway-1", connection: nil, principal: nil,
                           payload: .configuration(.init(path: "/etc/gatehouse.yaml", sha256: String(repeating: "ab", count: 32),
                                                         connections: ["demo"]))),
        ]
        #expect(try await recorder.record(events) == [0, 1, 2, 3, 4, 5])
        #expect(try fixture.events(in: recorder.store) == events)
    }

    @Test func aSessionsKeyIsCreatedOnceWithItsFirstSealedEntry() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record([SampleEvents.authentication(session: "s1")])
        try await recorder.record([SampleEvents.statement(session: "s1"), SampleEvents.outcome(session: "s1")])
        try await recorder.record([SampleEvents.sessionEnd(session: "s2")])  // nothing sealed: no key
        let key = try #require(try recorder.store.dataKey(keyID: "s1"))
        #expect(key.connection == "demo" && key.createdAt == SampleEvents.time && key.wrapped?.count == 69)
        #expect(try recorder.store.dataKey(keyID: "s2") == nil)
        let keyRows = try recorder.store.withWriterConnection { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM data_keys") }
        #expect(keyRows == 1)
        #expect(try recorder.store.entryIndexes(sessionID: "s1") == [0, 1, 2])
    }

    @Test func subjectsAreIndexedFromStatementsAndOutcomes() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        var statement = SampleEvents.statement()
        if case .statement(var payload) = statement.payload {
            payload.subjects = [SubjectReference(kind: "email", digest: "d1")]
            statement.payload = .statement(payload)
        }
        var outcome = SampleEvents.outcome()
        if case .outcome(var payload) = outcome.payload {
            payload.subjects = [SubjectReference(kind: "email", digest: "d1"), SubjectReference(kind: "iban", digest: "d2")]
            outcome.payload = .outcome(payload)
        }
        try await recorder.record([SampleEvents.authentication(), statement, outcome])
        #expect(try recorder.store.subjects(digest: "d1") == [LedgerSubjectHit(kind: "email", index: 1), LedgerSubjectHit(kind: "email", index: 2)])
        #expect(try recorder.store.subjects(digest: "d2") == [LedgerSubjectHit(kind: "iban", index: 2)])
    }

    @Test func aFailedAppendRefusesTheCallerAndTheKeyIsOfferedAgain() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        recorder.store.injectJournalFault { batch in
            if batch.entries.contains(where: { $0.sessionID == "poison" }) { throw LedgerStoreError.journal("poisoned") }
        }
        await #expect(throws: RecordingError.self) { try await recorder.record([SampleEvents.statement(session: "poison")]) }
        #expect(try recorder.store.leafCount == 0)
        #expect(try recorder.store.dataKey(keyID: "poison") == nil)  // rolled back with the entry
        recorder.store.injectJournalFault(nil)
        // The session's key (already used for sealing in memory) is stored with its next entry.
        try await recorder.record([SampleEvents.statement(session: "poison", id: 2)])
        #expect(try recorder.store.dataKey(keyID: "poison")?.wrapped != nil)
        #expect(try fixture.events(in: recorder.store) == [SampleEvents.statement(session: "poison", id: 2)])
    }

    @Test func anUnrepresentableTimeIsRefusedBeforeAnythingIsAppended() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        var event = SampleEvents.statement()
        event.time = Date(timeIntervalSince1970: 300_000_000_000)  // beyond year 9999
        await #expect(throws: RecordingError.self) { try await recorder.record([SampleEvents.authentication(), event]) }
        #expect(try recorder.store.leafCount == 0)
    }

    @Test func recordingAfterCloseThrows() async throws {
        let recorder = try fixture.open()
        try await recorder.record([SampleEvents.authentication()])
        recorder.store.close()
        await #expect(throws: RecordingError.self) { try await recorder.record([SampleEvents.statement()]) }
    }

    /// The gateway and `gatehouse audit erase` append to one file from two processes; two stores
    /// on one file in one process exercise the same path (each batch adopts the other's entries).
    @Test func twoStoresOnOneFileInterleaveIntoOneValidTree() async throws {
        let first = try fixture.open()
        let second = LedgerEventRecorder(store: try fixture.ledger.open(), masterKey: fixture.masterKey)
        for round in 0..<5 {
            #expect(try await first.record([SampleEvents.statement(session: "a", id: round + 1)]) == [Int64(2 * round)])
            #expect(try await second.record([SampleEvents.statement(session: "b", id: round + 1)]) == [Int64(2 * round + 1)])
        }
        first.store.close()
        second.store.close()
        let reopened = try fixture.ledger.open()  // re-verifies every leaf and node
        defer { reopened.close() }
        #expect(try reopened.leafCount == 10)
        #expect(try fixture.events(in: reopened).count == 10)
    }
}
