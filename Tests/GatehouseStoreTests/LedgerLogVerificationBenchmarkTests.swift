import Foundation
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// Not a timed assertion: prints how long opening and verifying a large log take. Runs only when
/// GATEHOUSE_VERIFY_BENCH_ENTRIES is set (e.g. 1000000), in a release build:
/// `GATEHOUSE_VERIFY_BENCH_ENTRIES=1000000 swift test -c release --scratch-path .build-release --filter LedgerLogVerificationBenchmark`
@Suite struct LedgerLogVerificationBenchmarkTests {
    static let entries = ProcessInfo.processInfo.environment["GATEHOUSE_VERIFY_BENCH_ENTRIES"].flatMap(Int.init)

    @Test(.enabled(if: entries != nil)) func verifyALargeLog() throws {
        let fixture = LedgerVerificationFixture()
        let sessions = (Self.entries ?? 0) / 2
        do {
            let store = try fixture.open()
            defer { store.close() }
            for start in stride(from: 0, to: sessions, by: 5_000) {
                try fixture.appendSessions(start..<min(sessions, start + 5_000), to: store)
            }
            try fixture.checkpointer(store).checkpointIfGrown()
        }
        let clock = ContinuousClock()
        let openStart = clock.now
        let store = try fixture.open()
        defer { store.close() }
        let opened = clock.now - openStart
        let verifyStart = clock.now
        let summary = try LedgerLogVerification(store: store, verifier: fixture.verifier)
            .verify(externalCheckpoints: LedgerExternalCheckpointNote.load(path: fixture.sinkDirectory))
        let verified = clock.now - verifyStart
        let readStart = clock.now
        var sample: [[UInt8]] = []
        try store.entries(in: 0..<summary.treeSize, batchSize: 16_384).forEach { entry in
            if sample.count < 100_000 { sample.append(entry.bytes) }
        }
        let readOnly = clock.now - readStart
        let decodeStart = clock.now
        for bytes in sample { _ = try LedgerEntryCodec.decode(bytes) }
        let decodeSample = clock.now - decodeStart
        let parseStart = clock.now
        for bytes in sample { _ = try CanonicalJSONValue(canonicalBytes: bytes) }
        let parseSample = clock.now - parseStart
        print("ledger verify benchmark: reading every entry \(readOnly); decoding \(sample.count) on one core \(decodeSample), of which JSON parsing \(parseSample)")
        print("ledger verify benchmark: \(summary.treeSize) entries; open (integrity check) \(opened); verify (decode + checkpoints) \(verified); total \(opened + verified)")
    }

    /// For trying the CLI by hand: appends a few sessions (no checkpoint) to the ledger at
    /// GATEHOUSE_POPULATE_LEDGER, e.g. `<data_dir>/ledger.sqlite`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["GATEHOUSE_POPULATE_LEDGER"] != nil)) func populateALedger() throws {
        let fixture = LedgerVerificationFixture()
        let store = try SQLiteLedgerStore(path: ProcessInfo.processInfo.environment["GATEHOUSE_POPULATE_LEDGER"]!,
                                          logger: .init(label: "test.populate"))
        defer { store.close() }
        let size = Int(try store.leafCount)
        try fixture.appendSessions((size / 2)..<(size / 2 + 3), to: store)
    }
}
