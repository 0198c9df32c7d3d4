import Foundation
import GatehouseCore
import GatehouseLedger
import Logging
import Testing

@testable import GatehouseStore

/// Checkpoints are signed only for a grown log consistent with the previous one, and copied out.
@Suite struct LedgerCheckpointerTests {
    let fixture = LedgerFixture()
    let signer = try! Ed25519NoteSigner.generate(keyName: "gatehouse.test/ledger")

    func checkpointer(_ store: SQLiteLedgerStore, sink: CheckpointSink? = nil) -> LedgerCheckpointer {
        LedgerCheckpointer(store: store, signer: signer, origin: "gatehouse.test/ledger", sink: sink, logger: Logger(label: "test"))
    }

    @Test func aCheckpointIsSignedOnlyWhenTheLogHasGrown() throws {
        let store = try fixture.open()
        defer { store.close() }
        let signing = checkpointer(store)
        #expect(try signing.checkpointIfGrown() == nil)  // empty log
        try store.append((0..<5).map(LedgerFixture.entry))
        let first = try #require(try signing.checkpointIfGrown())
        let checkpoint = try Checkpoint(signedNote: first.note, verifier: signer.verifier)
        let root = try store.rootHash
        #expect(checkpoint.treeSize == 5 && checkpoint.rootHash == root)
        #expect(try signing.checkpointIfGrown() == nil)
        try store.append([LedgerFixture.entry(5)])
        #expect(try signing.checkpointIfGrown()?.treeSize == 6)
        #expect(try store.checkpoints().map(\.treeSize) == [5, 6])
    }

    @Test func nothingIsSignedAfterACheckpointThatDoesNotVerify() throws {
        let store = try fixture.open()
        defer { store.close() }
        try store.append((0..<3).map(LedgerFixture.entry))
        // A checkpoint of this very tree, but signed by another key (a replaced checkpoint).
        let other = try Ed25519NoteSigner.generate(keyName: "gatehouse.test/ledger")
        let forged = try Checkpoint(origin: "gatehouse.test/ledger", treeSize: 3, rootHash: try store.rootHash).signed(by: other)
        try store.storeCheckpoint(treeSize: 3, note: forged.serialized)
        try store.append([LedgerFixture.entry(3)])
        #expect(throws: LedgerCheckpointError.self) { try checkpointer(store).checkpointIfGrown() }
        #expect(try store.checkpoints().map(\.treeSize) == [3])
    }

    @Test func sinksGetACopyOfEveryCheckpoint() throws {
        let store = try fixture.open()
        defer { store.close() }
        let directory = fixture.directory + "/sink"
        let file = fixture.directory + "/checkpoints.log"
        try store.append([LedgerFixture.entry(0)])
        let first = try #require(try checkpointer(store, sink: .directory(directory)).checkpointIfGrown())
        #expect(FileManager.default.contents(atPath: directory + "/1.checkpoint") == Data(first.note.utf8))
        try store.append([LedgerFixture.entry(1)])
        let second = try #require(try checkpointer(store, sink: .file(file)).checkpointIfGrown())
        try store.append([LedgerFixture.entry(2)])
        let third = try #require(try checkpointer(store, sink: .file(file)).checkpointIfGrown())
        let appended = String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
        #expect(appended == second.note + "\n" + third.note + "\n")
    }
}
