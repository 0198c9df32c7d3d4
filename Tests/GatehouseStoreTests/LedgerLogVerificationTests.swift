import Foundation
import GRDB
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// Whole-log verification: entries decode, checkpoints verify and agree, external copies catch
/// what the database no longer shows.
@Suite struct LedgerLogVerificationTests {
    let fixture = LedgerVerificationFixture()

    func verification(_ store: SQLiteLedgerStore) -> LedgerLogVerification {
        LedgerLogVerification(store: store, verifier: fixture.verifier)
    }

    @Test func aValidLogVerifiesWithItsCheckpointsAndSinkCopies() throws {
        let store = try fixture.open()
        defer { store.close() }
        try fixture.appendSessions(0..<3, to: store)
        try fixture.checkpointer(store).checkpointIfGrown()
        try fixture.appendSessions(3..<5, to: store)
        try fixture.checkpointer(store).checkpointIfGrown()
        try fixture.appendSessions(5..<6, to: store)
        let external = try LedgerExternalCheckpointNote.load(path: fixture.sinkDirectory)
        #expect(external.map(\.namedTreeSize) == [10, 6])  // sorted by file name
        let summary = try verification(store).verify(externalCheckpoints: external)
        #expect(summary.treeSize == 12 && summary.sessionCount == 6)
        #expect(summary.checkpointCount == 2 && summary.latestCheckpointSize == 10)
        #expect(summary.externalCheckpointCount == 2 && summary.externalOnlyCount == 0)
        #expect(summary.description.contains("the last 2 entries are not yet covered"))
    }

    @Test func anEmptyLogVerifies() throws {
        let store = try fixture.open()
        defer { store.close() }
        let summary = try verification(store).verify()
        #expect(summary.treeSize == 0 && summary.checkpointCount == 0)
    }

    @Test func anEntryThatIsNotV1FailsAtItsIndex() throws {
        let store = try fixture.open()
        defer { store.close() }
        try fixture.appendSessions(0..<2, to: store)
        try store.append([Array("not an entry".utf8)])
        try fixture.appendSessions(2..<3, to: store)
        let failure = #expect(throws: LedgerLogVerificationFailure.self) { try verification(store).verify() }
        guard case .entry(4, let reason)? = failure else {
            Issue.record("expected entry 4 to fail, got \(String(describing: failure))")
            return
        }
        #expect(reason.contains("not a canonical v1 ledger entry"))
        #expect(failure?.description.hasPrefix("FAILED at index 4: ") == true)
    }

    @Test func aCheckpointByAnotherKeyFailsAtItsTreeSize() throws {
        let store = try fixture.open()
        defer { store.close() }
        try fixture.appendSessions(0..<2, to: store)
        let other = try Ed25519NoteSigner.generate(keyName: fixture.signer.keyName)
        let note = try Checkpoint(origin: other.keyName, treeSize: 4, rootHash: store.rootHash(treeSize: 4)).signed(by: other).serialized
        try store.storeCheckpoint(treeSize: 4, note: note)
        #expect(throws: LedgerLogVerificationFailure.checkpoint(treeSize: 4, source: "database",
                                                                reason: NoteVerificationError.noKnownSignature.description)) {
            try verification(store).verify()
        }
    }

    @Test func aCheckpointForAnotherOriginFails() throws {
        let store = try fixture.open()
        defer { store.close() }
        try fixture.appendSessions(0..<2, to: store)
        try fixture.checkpointer(store).checkpointIfGrown()
        let failure = #expect(throws: LedgerLogVerificationFailure.self) {
            try LedgerLogVerification(store: store, verifier: fixture.verifier, origin: "another/log").verify()
        }
        guard case .checkpoint(4, "database", _)? = failure else {
            Issue.record("expected the checkpoint at 4 to fail, got \(String(describing: failure))")
            return
        }
    }

    /// The log is cut back to 6 entries with its tail's nodes and checkpoints: the database is
    /// self-consistent and opens, so only the sink's copy of the checkpoint at 10 shows it.
    @Test func aTruncatedLogIsCaughtByExternalCheckpoints() throws {
        do {
            let store = try fixture.open()
            defer { store.close() }
            try fixture.appendSessions(0..<3, to: store)
            try fixture.checkpointer(store).checkpointIfGrown()
            try fixture.appendSessions(3..<5, to: store)
            try fixture.checkpointer(store).checkpointIfGrown()
        }
        do {
            // Reopened, so the journal holds nothing: the database is the whole log.
            let store = try fixture.open()
            defer { store.close() }
            try store.withWriterConnection { db in
                try db.execute(sql: "DELETE FROM entries WHERE idx >= 6")
                try db.execute(sql: "DELETE FROM nodes WHERE (idx + 1) * (1 << level) > 6")
                try db.execute(sql: "DELETE FROM checkpoints WHERE tree_size > 6")
                try db.execute(sql: "DELETE FROM subjects WHERE idx >= 6")
            }
        }
        let store = try fixture.open()
        defer { store.close() }
        #expect(try store.leafCount == 6)
        #expect(try verification(store).verify().treeSize == 6)
        let external = try LedgerExternalCheckpointNote.load(path: fixture.sinkDirectory)
        let failure = #expect(throws: LedgerLogVerificationFailure.self) { try verification(store).verify(externalCheckpoints: external) }
        guard case .checkpoint(10, let source, let reason)? = failure else {
            Issue.record("expected the checkpoint at 10 to fail, got \(String(describing: failure))")
            return
        }
        #expect(source.hasSuffix("10.checkpoint") && reason.contains("truncated"))
    }

    @Test func aSinkFileOfNotesIsReadAndChecked() throws {
        let store = try fixture.open()
        defer { store.close() }
        let sinkFile = fixture.directory + "/checkpoints.notes"
        for sessions in [0..<1, 1..<3, 3..<4] {
            try fixture.appendSessions(sessions, to: store)
            try fixture.checkpointer(store, sink: .file(sinkFile)).checkpointIfGrown()
        }
        let notes = try LedgerExternalCheckpointNote.load(path: sinkFile)
        #expect(notes.count == 3)
        #expect(notes.map(\.note) == (try store.checkpoints().map(\.note)))
        #expect(try verification(store).verify(externalCheckpoints: notes).externalCheckpointCount == 3)
    }

    @Test func anExternalCheckpointOfARewrittenLogFails() throws {
        let store = try fixture.open()
        defer { store.close() }
        try fixture.appendSessions(0..<3, to: store)
        let forged = try Checkpoint(origin: fixture.signer.keyName, treeSize: 4, rootHash: .leafHash([1])).signed(by: fixture.signer)
        let note = LedgerExternalCheckpointNote(source: "witness", note: forged.serialized)
        let failure = #expect(throws: LedgerLogVerificationFailure.self) { try verification(store).verify(externalCheckpoints: [note]) }
        guard case .checkpoint(4, "witness", let reason)? = failure else {
            Issue.record("expected the checkpoint at 4 to fail, got \(String(describing: failure))")
            return
        }
        #expect(reason.contains("rewritten"))
    }

    @Test func openErrorsNameTheFirstBadIndex() {
        #expect(LedgerLogVerificationFailure(openError: .leafHashMismatch(index: 7)).description.hasPrefix("FAILED at index 7: "))
        #expect(LedgerLogVerificationFailure(openError: .entryMissing(index: 3)) == .entry(index: 3, reason: LedgerStoreError.entryMissing(index: 3).description))
    }
}
