import Foundation
import GRDB
import GatehouseCore
import Testing

@testable import GatehouseStore

@Suite struct GroupCommitTests {
    let fixture = StoreFixture()

    /// Records `calls` single-event calls concurrently; returns each call's sequence numbers.
    static func recordConcurrently(_ store: SQLiteEventStore, calls: Int) async throws -> [[Int64]] {
        try await withThrowingTaskGroup(of: [Int64].self) { group in
            for call in 1...calls {
                group.addTask { try await store.record([SampleEvents.statement(session: "session-\(call % 20)", id: call)]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func concurrentCallersGetDistinctSequencesAndEveryRowIsStored() async throws {
        let store = try fixture.openStore()
        defer { store.close() }
        let calls = 200
        let started = Date()
        let results = try await Self.recordConcurrently(store, calls: calls)
        let elapsed = Date().timeIntervalSince(started)

        let sequences = results.flatMap { $0 }
        #expect(results.allSatisfy { $0.count == 1 })
        #expect(Set(sequences).count == calls)
        #expect(Set(sequences) == Set(1...Int64(calls)))
        let stored = try store.events(limit: 10_000)
        #expect(stored.map(\.sequence) == Array(1...Int64(calls)))
        let transactions = store.committedTransactionCount
        #expect(transactions < calls, "group commit did not batch: \(transactions) transactions for \(calls) calls")
        print("group commit: \(calls) concurrent record() calls in \(transactions) transactions, \(Int(Double(calls) / elapsed)) records/s")
    }

    @Test func callersQueuedBehindACommitShareTheNextTransaction() async throws {
        // Hold the writer inside a first, single-caller commit while 200 more callers queue:
        // they must all go in exactly one more transaction.
        let calls = 200
        let holder = WriterHolder()
        let store = try fixture.openStore(beforeCommit: { batch in
            if batch == 1 { holder.holdWriter() }
        })
        defer { store.close() }
        async let first = store.record([SampleEvents.authentication()])
        try await holder.waitUntilWriterIsHeld()
        async let results = Self.recordConcurrently(store, calls: calls)
        while store.waitingCallerCount < calls { try await Task.sleep(for: .milliseconds(2)) }
        holder.release()
        #expect(try await first == [1])
        #expect(try await results.count == calls)
        #expect(store.committedTransactionCount == 2)
        #expect(try store.events(limit: 1000).count == calls + 1)
    }

    @Test func throughputUnderSustainedConcurrency() async throws {
        let store = try fixture.openStore()
        defer { store.close() }
        let tasks = 64
        let callsPerTask = 50
        let started = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for call in 1...callsPerTask {
                        try await store.record([SampleEvents.statement(session: "t\(task)", id: call)])
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = Date().timeIntervalSince(started)
        let total = tasks * callsPerTask
        #expect(try store.events(limit: 100_000).count == total)
        print("group commit: \(total) record() calls from \(tasks) tasks in \(store.committedTransactionCount) transactions, \(Int(Double(total) / elapsed)) records/s")
    }
}

/// Holds the store's writer thread inside a commit until the test releases it.
final class WriterHolder: @unchecked Sendable {
    private let released = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var held = false

    /// Called on the writer thread (from `beforeCommit`).
    func holdWriter() {
        lock.withLock { held = true }
        _ = released.wait(timeout: .now() + 30)  // never hang a test run for good
    }

    func waitUntilWriterIsHeld() async throws {
        while !lock.withLock({ held }) { try await Task.sleep(for: .milliseconds(1)) }
    }

    func release() { released.signal() }
}
