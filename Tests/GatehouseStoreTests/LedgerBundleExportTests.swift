import Foundation
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// Bundles built from a store verify offline, with or without data keys.
@Suite struct LedgerBundleExportTests {
    let fixture = LedgerVerificationFixture()

    @Test func aSessionsBundleVerifiesAndOpensWithItsKeys() throws {
        let store = try fixture.open()
        defer { store.close() }
        try fixture.appendSessions(0..<4, to: store)
        let checkpoint = try #require(try fixture.checkpointer(store).checkpointIfGrown())
        let indexes = try store.entryIndexes(sessionID: "s2")
        #expect(indexes == [4, 5])
        let result = try LedgerBundleExport.bundle(from: store, indexes: indexes, checkpoint: checkpoint, scope: "session s2",
                                                   signer: fixture.signer, masterKey: fixture.masterKey)
        #expect(result.erasedKeyIDs.isEmpty && result.bundle.dataKeys?.keys.sorted() == ["s2"])
        let summary = try EvidenceBundleVerifier(verifier: fixture.verifier).verify(bundleBytes: result.bundle.encoded())
        #expect(summary.entryCount == 2 && summary.sessionIDs == ["s2"] && summary.treeSize == 8)
        #expect(summary.openedEntryCount == 1 && summary.sealedEntryCount == 1 && summary.scope == "session s2")
    }

    @Test func erasedKeysAreLeftOutAndReported() throws {
        let store = try fixture.open()
        defer { store.close() }
        try fixture.appendSessions(0..<3, to: store)
        try store.eraseDataKey(keyID: "s1")
        let checkpoint = try #require(try fixture.checkpointer(store).checkpointIfGrown())
        let result = try LedgerBundleExport.bundle(from: store, indexes: [0, 2, 3, 4], checkpoint: checkpoint, scope: "indexes",
                                                   signer: fixture.signer, masterKey: fixture.masterKey)
        #expect(result.erasedKeyIDs == ["s1"] && result.bundle.dataKeys?.keys.sorted() == ["s0", "s2"])
        let summary = try EvidenceBundleVerifier(verifier: fixture.verifier).verify(result.bundle)
        #expect(summary.absentKeyIDs == ["s1"] && summary.openedEntryCount == 2)
    }

    @Test func withoutAMasterKeyNoKeysAreIncluded() throws {
        let store = try fixture.open()
        defer { store.close() }
        try fixture.appendSessions(0..<2, to: store)
        let checkpoint = try #require(try fixture.checkpointer(store).checkpointIfGrown())
        let result = try LedgerBundleExport.bundle(from: store, indexes: [3, 1, 3], checkpoint: checkpoint, scope: "indexes",
                                                   signer: fixture.signer, masterKey: nil)
        #expect(result.bundle.dataKeys == nil && result.bundle.entries.map(\.index) == [1, 3])
    }

    @Test func entriesBeyondTheCheckpointAreRefused() throws {
        let store = try fixture.open()
        defer { store.close() }
        try fixture.appendSessions(0..<2, to: store)
        let checkpoint = try #require(try fixture.checkpointer(store).checkpointIfGrown())
        try fixture.appendSessions(2..<3, to: store)
        #expect(throws: LedgerBundleExportError.notCovered(index: 4, treeSize: 4)) {
            try LedgerBundleExport.bundle(from: store, indexes: [1, 4], checkpoint: checkpoint, scope: "indexes",
                                          signer: fixture.signer, masterKey: nil)
        }
        #expect(throws: LedgerBundleExportError.noEntries) {
            try LedgerBundleExport.bundle(from: store, indexes: [], checkpoint: checkpoint, scope: "indexes", signer: fixture.signer, masterKey: nil)
        }
    }
}
