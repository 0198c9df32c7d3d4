import Foundation
import GatehouseCore
import GatehouseLedger
import GatehouseStore
import Logging

// Durable append throughput of the evidence ledger (group commit: one journal record and one
// fdatasync per batch; SQLite indexed behind it), and the process's CPU time per append, side by side:
//   - raw: ~400-byte opaque entries appended to SQLiteLedgerStore, first one call in flight per
//     appender (blocking `append`), then `window` calls in flight (completion callbacks, as an
//     event loop serving many connections would);
//   - recorder: what the gateway does per statement: a statement event and then its outcome,
//     encoded as v1 entries, sealed under the session's data key (AES-GCM; a new wrapped key
//     every 100 statements), subjects indexed, through LedgerEventRecorder; same window. The
//     ratio recorder/raw is the cost of the entry format and sealing.
// Then the time to reopen, which re-verifies the whole tree. With `--keep DIR` the ledger is left
// in DIR (as a data directory: ledger.sqlite, ledger-signing.key, a signed checkpoint) for
// `gatehouse audit verify`; bench/ledger_throughput.sh uses that to time whole-log verification.
// Usage: swift run -c release ledger-store-benchmark [entries per run] [appenders] [window] [--keep DIR]

var positional: [Int] = []
var keepDirectory: String?
var remaining = CommandLine.arguments.dropFirst()[...]
while let argument = remaining.popFirst() {
    if argument == "--keep" { keepDirectory = remaining.popFirst() } else if let number = Int(argument) { positional.append(number) }
}
let entriesPerRun = positional.count > 0 ? positional[0] : 100_000
let appenders = positional.count > 1 ? positional[1] : 8
let window = positional.count > 2 ? positional[2] : 32
let entrySize = 400

let directory = keepDirectory ?? (FileManager.default.temporaryDirectory.path + "/ledger-store-benchmark-" + UUID().uuidString)
defer { if keepDirectory == nil { try? FileManager.default.removeItem(atPath: directory) } }
let path = directory + "/ledger.sqlite"
if keepDirectory != nil, FileManager.default.fileExists(atPath: path) {
    FileManager.default.fputs("ledger-store-benchmark: \(path) exists; --keep needs a new directory\n")
    exit(2)
}
var logger = Logger(label: "ledger-store-benchmark")
logger.logLevel = .warning

func entry(_ appender: Int, _ number: Int) -> [UInt8] {
    var bytes = Array("appender \(appender) entry \(number) ".utf8)
    bytes += [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: entrySize - bytes.count)
    return bytes
}

/// Runs `perAppender` submissions on each of `appenders` threads with `inFlight` outstanding;
/// `submit(appender, number, done)` must call `done` with the outcome. Returns elapsed seconds.
/// The process's CPU time (user + system) so far, in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

var lastRunCPU = 0.0

func measure(inFlight: Int, perAppender: Int,
             submit: @escaping @Sendable (Int, Int, @escaping @Sendable (Error?) -> Void) -> Void) throws -> TimeInterval {
    let failures = Failures()
    let started = Date()
    let cpuBefore = cpuSeconds()
    defer { lastRunCPU = cpuSeconds() - cpuBefore }
    DispatchQueue.concurrentPerform(iterations: appenders) { appender in
        let slots = DispatchSemaphore(value: inFlight)
        let done = DispatchGroup()
        for number in 0..<perAppender {
            slots.wait()
            done.enter()
            submit(appender, number) { error in
                if let error { failures.record(error) }
                slots.signal()
                done.leave()
            }
        }
        done.wait()
    }
    if let error = failures.first { throw error }
    return Date().timeIntervalSince(started)
}

func report(_ name: String, appends: Int, elapsed: TimeInterval, commits: Int, inFlight: Int) -> Double {
    let rate = Double(appends) / elapsed
    print("\(name): \(appends) appends by \(appenders) appenders, \(inFlight) in flight each: "
        + "\(Int(rate)) appends/s, \(Int(Double(commits) / elapsed)) fsyncs/s "
        + "(\(commits) commits, \(String(format: "%.1f", Double(appends) / Double(max(commits, 1)))) entries per commit), "
        + "CPU \(String(format: "%.1f", lastRunCPU / Double(appends) * 1_000_000)) us per append")
    return rate
}

func runRaw(_ name: String, store: SQLiteLedgerStore, inFlight: Int) throws -> Double {
    let perAppender = entriesPerRun / appenders
    let commitsBefore = store.committedTransactionCount
    let elapsed = try measure(inFlight: inFlight, perAppender: perAppender) { appender, number, done in
        store.append([entry(appender, number)]) { result in
            if case .failure(let error) = result { done(error) } else { done(nil) }
        }
    }
    return report("\(name) (\(entrySize) B entries)", appends: perAppender * appenders, elapsed: elapsed,
                  commits: store.committedTransactionCount - commitsBefore, inFlight: inFlight)
}

/// A statement like an agent's, and its outcome; every 10th names a data subject.
func event(_ appender: Int, _ number: Int) -> GatehouseEvent {
    let session = "bench-\(appender)-\(number / 200)"
    let statementID = number / 2 % 100 + 1
    let principal = Principal(subject: "agent-\(appender)@example.com", issuer: "https://issuer.example", username: nil,
                              objectID: nil, tenantID: nil, agentApplication: "claude-code", groups: ["engineers"])
    let subjects = number % 20 < 2 ? [SubjectReference(kind: "email", digest: String(repeating: "\(appender % 10)", count: 64))] : nil
    if number % 2 == 0 {
        let text = "SELECT id, full_name, email, city FROM customers WHERE id = $1 AND created_at > now() - interval '30 days' /* \(number) */"
        let analysis = StatementAnalysis(text: text, kind: .select, reads: [RelationName(name: "customers")],
                                         columns: [ColumnReference(relation: RelationName(name: "customers"), column: "email")],
                                         outputs: [OutputColumn(name: "email", sources: [ColumnReference(relation: RelationName(name: "customers"), column: "email")])])
        return GatehouseEvent(sessionID: session, connection: "shop", principal: principal,
                              payload: .statement(.init(statementID: statementID, protocolMode: "extended", text: text,
                                                        parameters: ["\(number)"], analysis: analysis, subjects: subjects)))
    }
    var outcome = EventPayload.Outcome(statementID: statementID, status: .completed, commandTag: "SELECT 1", rows: 1, errorCode: nil,
                                       durationMicroseconds: 180)
    outcome.maskedValues = 2
    outcome.subjects = subjects
    return GatehouseEvent(sessionID: session, connection: "shop", principal: principal, payload: .outcome(outcome))
}

func runRecorder(_ recorder: LedgerEventRecorder, inFlight: Int) throws -> Double {
    let perAppender = entriesPerRun / appenders
    let commitsBefore = recorder.store.committedTransactionCount
    let elapsed = try measure(inFlight: inFlight, perAppender: perAppender) { appender, number, done in
        recorder.record([event(appender, number)]) { result in
            if case .failure(let error) = result { done(error) } else { done(nil) }
        }
    }
    return report("recorder (statement and outcome events, sealed)", appends: perAppender * appenders, elapsed: elapsed,
                  commits: recorder.store.committedTransactionCount - commitsBefore, inFlight: inFlight)
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func record(_ error: Error) { lock.withLock { errors.append(error) } }
    var first: Error? { lock.withLock { errors.first } }
}

extension FileManager {
    func fputs(_ message: String) { FileHandle.standardError.write(Data(message.utf8)) }
}

if keepDirectory != nil {
    // A ledger for `gatehouse audit verify`: recorder entries only, and a checkpoint signed by
    // the key the gateway would use from this data directory.
    let store = try SQLiteLedgerStore(path: path, logger: logger)
    let recorder = LedgerEventRecorder(store: store, masterKey: MasterKey.generate())
    _ = try runRecorder(recorder, inFlight: window)
    let signer = try Ed25519NoteSigner.generate(keyName: "gatehouse/benchmark")
    _ = try PrivateFile.publish(Array(signer.signerKey.utf8), at: directory + "/ledger-signing.key")
    let checkpoint = try LedgerCheckpointer(store: store, signer: signer, origin: signer.keyName, sink: nil, logger: logger)
        .checkpointIfGrown()
    store.close()
    print("kept \(try checkpoint.map { "\($0.treeSize)" } ?? "0") entries and a signed checkpoint in \(directory)")
    exit(0)
}

let store = try SQLiteLedgerStore(path: path, logger: logger)
_ = try runRaw("raw, blocking", store: store, inFlight: 1)
let raw = try runRaw("raw, windowed", store: store, inFlight: window)
let recorder = LedgerEventRecorder(store: store, masterKey: MasterKey.generate())
let recorded = try runRecorder(recorder, inFlight: window)
print("recorder/raw appends per second: \(String(format: "%.2f", recorded / raw))x")
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
