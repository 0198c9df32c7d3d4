// The PostgreSQL hot path, stage by stage, for one `pgbench -S` statement: what each step costs
// on one core, in a loop, without sockets or threads (issue 20: profile first, then measure each
// lever). Ledger appends (durable group commit) are `ledger-store-benchmark`'s. Release build:
//   swift build -c release --product hotpath-benchmark && .build/release/hotpath-benchmark
import Crypto
import Foundation
import GatehouseCore
import GatehouseLedger
import GatehouseMasking
import GatehousePostgresMasking
import GatehousePostgresWire
import GatehouseSQL
import NIOCore

/// Runs `body` `iterations` times after a warm-up and prints nanoseconds per call.
func measure(_ name: String, iterations: Int, _ body: (Int) throws -> Void) rethrows {
    for index in 0..<min(iterations / 10, 10_000) { try body(index) }
    let clock = ContinuousClock()
    let elapsed = try clock.measure { for index in 0..<iterations { try body(index) } }
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    let perCall = nanoseconds / Double(iterations)
    print("  \(name.padding(toLength: 52, withPad: " ", startingAt: 0)) \(String(format: "%9.0f", perCall)) ns/op  "
          + "\(String(format: "%11.0f", 1e9 / perCall)) op/s")
}

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 200_000
func statement(_ index: Int) -> String { "SELECT abalance FROM pgbench_accounts WHERE aid = \(index % 1_000_000 + 1);" }
print("hot path of one pgbench -S statement, single core, \(iterations) iterations each")

// 1. Frame decode and encode: a Query message in, the same frame written out again.
var wire = ByteBufferAllocator().buffer(capacity: 128)
FrontendMessage.query(statement(42)).write(into: &wire)
var out = ByteBufferAllocator().buffer(capacity: 128)
try measure("frame decode + encode (Query)", iterations: iterations) { _ in
    var input = wire
    guard let frame = try PostgresFrameDecoder.decodeFrame(from: &input, maxMessageBytes: 1 << 20) else { fatalError("no frame") }
    out.clear()
    frame.write(into: &out)
}

// 2. Statement analysis: a cache hit for the same text, and pgbench's varying literal.
let analyzer = StatementAnalyzer()
_ = analyzer.analyze(statement(42))
measure("analysis, same text (cache hit)", iterations: iterations) { _ in _ = analyzer.analyze(statement(42)) }
measure("analysis, another literal each time", iterations: iterations) { index in _ = analyzer.analyze(statement(index)) }

// 3. The statement event, encoded and sealed as the ledger stores it.
let key = DataKey.generate(id: "bench-session")
let analysis = analyzer.analyze(statement(42))[0]
let principal = Principal(subject: "bench", issuer: "https://issuer.example", username: "bench", groups: ["engineers"])
try measure("statement event encode + seal", iterations: iterations) { index in
    let event = GatehouseEvent(sessionID: "bench-session", connection: "bench", principal: principal, payload: .statement(.init(
        statementID: index, protocolMode: "simple", text: statement(index), parameters: [], analysis: analysis)))
    _ = try LedgerEntryCodec.encode(event, sealingWith: key)
}

// 4. A DataRow with no classified column: an int (forwarded as is) and a text column the
//    detectors read (pgbench_accounts.filler).
let engine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .redact,
                           pseudonymKey: SymmetricKey(size: .bits256), subjectKey: SymmetricKey(size: .bits256))
var row = ByteBufferAllocator().buffer(capacity: 128)
row.writeInteger(Int16(2))
for value in ["1234", String(repeating: " ", count: 84)] {
    row.writeInteger(Int32(value.utf8.count))
    row.writeString(value)
}
let intOnly = DataRowMasker(engine: engine, columns: [ResultColumnMask(typeOID: 23, format: 0, mask: .none)])
var intRow = ByteBufferAllocator().buffer(capacity: 16)
intRow.writeInteger(Int16(1))
intRow.writeInteger(Int32(4))
intRow.writeString("1234")
var masked = ByteBufferAllocator().buffer(capacity: 256)
try measure("DataRow, one int column (pgbench -S)", iterations: iterations) { _ in
    masked.clear()
    _ = try intOnly.mask(body: intRow, into: &masked)
}
let withText = DataRowMasker(engine: engine, columns: [ResultColumnMask(typeOID: 23, format: 0, mask: .none),
                                                       ResultColumnMask(typeOID: 1042, format: 0, mask: .detect)])
try measure("DataRow, int + 84-char text through detectors", iterations: iterations) { _ in
    masked.clear()
    _ = try withText.mask(body: row, into: &masked)
}
