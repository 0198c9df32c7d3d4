import Foundation
import GatehouseCore

/// Group commit: callers queue their rows and wait; a single writer takes everything queued,
/// commits it in one transaction, resumes all of those callers, and repeats while more
/// arrived meanwhile. One fsync then covers many callers, and while it runs the next batch
/// gathers.
///
/// A batch succeeds or fails as a whole: when its commit throws, every caller in it gets a
/// `RecordingError` (fail closed), and the next batch starts a fresh transaction.
///
/// Generic over what a caller queues and gets back: for the evidence ledger (`SQLiteLedgerStore`)
/// a row is one caller's entries and its output that caller's `LedgerAppend`.
final class GroupCommitBatcher<Row, Output>: @unchecked Sendable {
    /// Writes rows in one transaction and returns one output per row, in order.
    typealias Commit = @Sendable (_ rows: [Row]) throws -> [Output]

    private struct Waiter {
        var rows: [Row]
        var completion: @Sendable (Result<[Output], Error>) -> Void
    }

    private enum Admission { case refused, queued, startWriter }

    // Everything below `lock` is guarded by it. (NSLock rather than Mutex: Mutex needs
    // macOS 15 and the package supports 14.)
    private let lock = NSLock()
    private var waiting: [Waiter] = []
    private var writerActive = false
    private var closed = false
    private var committedTransactions = 0
    private var failedTransactions = 0

    private let writerQueue: DispatchQueue
    private let commit: Commit
    private let reportFailure: @Sendable (_ error: Error, _ callers: Int, _ events: Int) -> Void
    private let closedMessage: String
    private let failureMessage: String

    init(commit: @escaping Commit, reportFailure: @escaping @Sendable (Error, Int, Int) -> Void,
         writerLabel: String, closedMessage: String, failureMessage: String) {
        self.commit = commit
        self.reportFailure = reportFailure
        self.writerQueue = DispatchQueue(label: writerLabel)
        self.closedMessage = closedMessage
        self.failureMessage = failureMessage
    }

    /// Calls `completion` once the rows are committed (or with `RecordingError` if they are not).
    func submit(_ rows: [Row], completion: @escaping @Sendable (Result<[Output], Error>) -> Void) {
        let admission = lock.withLock { () -> Admission in
            guard !closed else { return .refused }
            waiting.append(Waiter(rows: rows, completion: completion))
            guard !writerActive else { return .queued }
            writerActive = true
            // Dispatched under the lock so `close()` cannot slip in between.
            writerQueue.async { self.drain() }
            return .startWriter
        }
        if admission == .refused {
            completion(.failure(RecordingError(closedMessage)))
        }
    }

    /// Refuses new rows and waits until everything already queued is committed or failed.
    func close() {
        lock.withLock { closed = true }
        writerQueue.sync {}
    }

    var isClosed: Bool { lock.withLock { closed } }

    /// Transactions committed so far (tests check that batching happens).
    var committedTransactionCount: Int { lock.withLock { committedTransactions } }
    var failedTransactionCount: Int { lock.withLock { failedTransactions } }
    /// Callers queued behind the running commit.
    var waitingCallerCount: Int { lock.withLock { waiting.count } }

    private func drain() {
        while true {
            let batch = lock.withLock { () -> [Waiter] in
                let batch = waiting
                waiting.removeAll(keepingCapacity: true)
                if batch.isEmpty { writerActive = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            commitBatch(batch)
        }
    }

    private func commitBatch(_ batch: [Waiter]) {
        let rows = batch.flatMap(\.rows)
        let outputs: [Output]
        do {
            outputs = try commit(rows)
            guard outputs.count == rows.count else { throw RecordingError("commit returned \(outputs.count) results for \(rows.count) rows") }
        } catch {
            lock.withLock { failedTransactions += 1 }
            reportFailure(error, batch.count, rows.count)
            let failure = RecordingError("\(failureMessage): \(StoreFailure.describe(error))")
            for waiter in batch { waiter.completion(.failure(failure)) }
            return
        }
        lock.withLock { committedTransactions += 1 }
        var offset = 0
        for waiter in batch {
            waiter.completion(.success(Array(outputs[offset..<offset + waiter.rows.count])))
            offset += waiter.rows.count
        }
    }
}
