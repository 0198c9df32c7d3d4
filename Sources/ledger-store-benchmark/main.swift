import Foundation
import GatehouseLedger
import GatehouseStore
import Logging

// Durable append throughput of SQLiteLedgerStore: `appenders` threads append ~400-byte entries
// through the group-commit path (WAL, synchronous=FULL), first one call in flight per appender
// (blocking `append`), then `window` calls in flight per appender (completion callbacks, as an
// event loop serving many connections would). Prints appends/s and commits (= WAL fsyncs)/s,
// then the time to reopen, which re-verifies the whole tree.
// Usage: swift run -c release ledger-store-benchmark [entries per run] [appenders] [window]

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let entriesPerRun = arguments.count > 0 ? arguments[0] : 100_000
let appenders = arguments.count > 1 ? arguments[1] : 8
let window = arguments.count > 2 ? arguments[2] : 32
let entrySize = 400

let directory = FileManager.default.temporaryDirectory.path + "/ledger-store-benchmark-" + UUID().uuidString
defer { try? FileManager.default.removeItem(atPath: directory) }
let path = directory + "/ledger.sqlite"
var logger = Logger(label: "ledger-store-benchmark")
logger.logLevel = .warning

func entry(_ appender: Int, _ number: Int) -> [UInt8] {
    var bytes = Array("appender \(appender) entry \(number) ".utf8)
    bytes += [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: entrySize - bytes.count)
    return bytes
}

func run(_ name: String, store: SQLiteLedgerStore, inFlight: Int) throws {
    let perAppender = entriesPerRun / appenders
    let commitsBefore = store.committedTransactionCount
    let failures = Failures()
    let started = Date()
    DispatchQueue.concurrentPerform(iterations: appenders) { appender in
        let slots = DispatchSemaphore(value: inFlight)
        let done = DispatchGroup()
        for number in 0..<perAppender {
            let bytes = entry(appender, number)
            slots.wait()
            done.enter()
            store.append([bytes]) { result in
                if case .failure(let error) = result { failures.record(error) }
                slots.signal()
                done.leave()
            }
        }
        done.wait()
    }
    let elapsed = Date().timeIntervalSince(started)
    if let error = failures.first { throw error }
    let appends = perAppender * appenders
    let commits = store.committedTransactionCount - commitsBefore
    print("\(name): \(appends) appends of \(entrySize) B by \(appenders) appenders, \(inFlight) in flight each: "
        + "\(Int(Double(appends) / elapsed)) appends/s, \(Int(Double(commits) / elapsed)) fsyncs/s "
        + "(\(commits) commits, \(String(format: "%.1f", Double(appends) / Double(max(commits, 1)))) entries per commit)")
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func record(_ error: Error) { lock.withLock { errors.append(error) } }
    var first: Error? { lock.withLock { errors.first } }
}

let store = try SQLiteLedgerStore(path: path, logger: logger)
try run("blocking", store: store, inFlight: 1)
try run("windowed", store: store, inFlight: window)
let size = try store.leafCount
let root = try store.rootHash
let proofStarted = Date()
_ = try store.inclusionProof(leafIndex: size / 2, treeSize: size)
let proofTime = Date().timeIntervalSince(proofStarted)
store.close()

let reopenStarted = Date()
let reopened = try SQLiteLedgerStore(path: path, logger: logger)
let reopenTime = Date().timeIntervalSince(reopenStarted)
let reopenedRoot = try reopened.rootHash
precondition(reopenedRoot == root, "reopened store has another root")
reopened.close()
print("log of \(size) entries: inclusion proof from disk in \(String(format: "%.2f", proofTime * 1000)) ms; "
    + "reopen with full verification in \(String(format: "%.2f", reopenTime)) s")
