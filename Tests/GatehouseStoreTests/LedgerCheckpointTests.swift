import Foundation
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// Checkpoints are stored in strictly increasing tree sizes, never beyond the log, and only
/// when the note is this log's checkpoint at that size.
@Suite struct LedgerCheckpointTests {
    let fixture = LedgerFixture()
    let signer = try! Ed25519NoteSigner.generate(keyName: "gatehouse.example/ledger")

    func note(_ store: SQLiteLedgerStore, size: UInt64, root: MerkleHash? = nil) throws -> String {
        let checkpoint = try Checkpoint(origin: signer.keyName, treeSize: size, rootHash: root ?? store.rootHash(treeSize: size))
        return try checkpoint.signed(by: signer).serialized
    }

    @Test func checkpointsAreKeptInOrder() throws {
        let store = try fixture.open()
        defer { store.close() }
        #expect(try store.latestCheckpoint() == nil)
        try store.append((0..<10).map(LedgerFixture.entry))
        let signedAt = Date(timeIntervalSince1970: 1_795_678_200.123)
        try store.storeCheckpoint(treeSize: 4, note: note(store, size: 4), signedAt: signedAt)
        try store.storeCheckpoint(treeSize: 10, note: note(store, size: 10), signedAt: signedAt)
        #expect(try store.checkpoints().map(\.treeSize) == [4, 10])
        let latest = try #require(try store.latestCheckpoint())
        #expect(latest.treeSize == 10 && latest.signedAt == signedAt)
        let verified = try Checkpoint(signedNote: latest.note, verifier: signer.verifier)
        #expect(verified.rootHash == (try store.rootHash(treeSize: 10)))
    }

    @Test func aCheckpointNotNewerOrBeyondTheLogIsRefused() throws {
        let store = try fixture.open()
        defer { store.close() }
        try store.append((0..<10).map(LedgerFixture.entry))
        try store.storeCheckpoint(treeSize: 6, note: note(store, size: 6))
        #expect(throws: LedgerStoreError.checkpointNotNewer(treeSize: 6, latest: 6)) {
            try store.storeCheckpoint(treeSize: 6, note: note(store, size: 6))
        }
        #expect(throws: LedgerStoreError.checkpointNotNewer(treeSize: 5, latest: 6)) {
            try store.storeCheckpoint(treeSize: 5, note: note(store, size: 5))
        }
        let future = try Checkpoint(origin: signer.keyName, treeSize: 11, rootHash: .emptyTree).signed(by: signer).serialized
        #expect(throws: LedgerStoreError.checkpointBeyondLog(treeSize: 11, logSize: 10)) {
            try store.storeCheckpoint(treeSize: 11, note: future)
        }
        #expect(try store.checkpoints().map(\.treeSize) == [6])
    }

    @Test func aNoteThatIsNotThisLogsCheckpointIsRefused() throws {
        let store = try fixture.open()
        defer { store.close() }
        try store.append((0..<10).map(LedgerFixture.entry))
        let wrongRoot = try note(store, size: 8, root: .emptyTree)
        #expect(throws: LedgerStoreError.self) { try store.storeCheckpoint(treeSize: 8, note: wrongRoot) }
        #expect(throws: LedgerStoreError.self) { try store.storeCheckpoint(treeSize: 8, note: note(store, size: 7)) }
        #expect(throws: LedgerStoreError.self) { try store.storeCheckpoint(treeSize: 8, note: "not a note") }
        #expect(try store.checkpoints().isEmpty)
    }

    @Test func checkpointsSurviveReopening() throws {
        do {
            let store = try fixture.open()
            defer { store.close() }
            try store.append((0..<3).map(LedgerFixture.entry))
            try store.storeCheckpoint(treeSize: 3, note: note(store, size: 3))
        }
        let store = try fixture.open()
        defer { store.close() }
        #expect(try store.latestCheckpoint()?.treeSize == 3)
    }
}
