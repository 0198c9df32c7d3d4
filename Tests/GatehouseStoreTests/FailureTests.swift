import Foundation
import GRDB
import GatehouseCore
import Testing

@testable import GatehouseStore

/// When events cannot be committed the callers must hear about it (fail closed), and the
/// store must stay usable for later calls.
@Suite struct FailureTests {
    let fixture = StoreFixture()

    /// Makes every insert for session `poison` fail inside SQLite.
    static func installPoisonTrigger(_ store: SQLiteEventStore) throws {
        try store.withWriterConnection { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER refuse_poison BEFORE INSERT ON events WHEN NEW.session_id = 'poison'
                BEGIN SELECT RAISE(ABORT, 'poisoned'); END
                """)
        }
    }

    @Test func recordingAfterCloseThrows() async throws {
        let store = try fixture.openStore()
        try await store.record([SampleEvents.authentication()])
        store.close()
        await #expect(throws: RecordingError.self) { try await store.record([SampleEvents.statement()]) }
        #expect(throws: EventStoreError.self) { try store.events() }
        store.close()  // twice is harmless
    }

    @Test func failedCommitThrowsAndLaterCallsSucceed() async throws {
        let store = try fixture.openStore()
        defer { store.close() }
        try Self.installPoisonTrigger(store)
        try await store.record([SampleEvents.authentication()])
        do {
            try await store.record([SampleEvents.statement(), SampleEvents.statement(session: "poison")])
            Issue.record("a failed commit was reported as recorded")
        } catch let error as RecordingError {
            #expect(error.description.contains("poisoned"))
            #expect(!error.description.contains("SELECT email"))  // no statement text in errors
        }
        #expect(try await store.record([SampleEvents.outcome()]) == [2])
        // The whole failed call was rolled back, including its valid first event.
        #expect(try store.events().map(\.event.kind) == ["authentication", "outcome"])
    }

    @Test func everyCallerOfAFailedBatchIsRefusedAndNoneOfItsRowsRemain() async throws {
        let holder = WriterHolder()
        let store = try fixture.openStore(beforeCommit: { batch in
            if batch == 1 { holder.holdWriter() }
        })
        defer { store.close() }
        try Self.installPoisonTrigger(store)
        // Batch 1 is "first" alone, held in its commit while the next four callers queue up
        // behind it; they form batch 2, which the poisoned event makes fail.
        async let first = store.record([SampleEvents.authentication(session: "first")])
        try await holder.waitUntilWriterIsHeld()
        let results = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for session in ["a", "b", "poison", "c"] {
                group.addTask {
                    do {
                        _ = try await store.record([SampleEvents.statement(session: session)])
                        return (session, true)
                    } catch {
                        return (session, false)
                    }
                }
            }
            while store.waitingCallerCount < 4 { try await Task.sleep(for: .milliseconds(1)) }
            holder.release()
            return try await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(try await first == [1])
        #expect(results == ["a": false, "b": false, "poison": false, "c": false])
        #expect(try store.events().map(\.event.sessionID) == ["first"])
        #expect(try await store.record([SampleEvents.outcome(session: "a")]).count == 1)
    }

    @Test func brokenSchemaFailsClosedWithoutCrashing() async throws {
        let store = try fixture.openStore()
        defer { store.close() }
        try store.withWriterConnection { db in try db.execute(sql: "DROP TABLE events") }
        await #expect(throws: RecordingError.self) { try await store.record([SampleEvents.statement()]) }
        #expect(throws: EventStoreError.self) { try store.events() }
    }

    @Test func unrepresentableTimeIsRefusedBeforeQueueing() async throws {
        let store = try fixture.openStore()
        defer { store.close() }
        var event = SampleEvents.statement()
        event.time = Date(timeIntervalSince1970: .infinity)
        await #expect(throws: RecordingError.self) { try await store.record([event]) }
        event.time = Date(timeIntervalSince1970: -70_000_000_000)  // before year 0
        await #expect(throws: RecordingError.self) { try await store.record([event]) }
        #expect(try store.events().isEmpty)
    }

    @Test func unwritableLocationFailsToOpen() throws {
        let blocker = fixture.directory + "/file"
        try FileManager.default.createDirectory(atPath: fixture.directory, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        #expect(throws: EventStoreError.self) {
            try SQLiteEventStore(path: blocker + "/events.sqlite", logger: .init(label: "test"))
        }
    }
}
