import GatehouseCore
import Foundation
import GRDB
import GatehouseLedger

/// Signed checkpoints of the log: strictly increasing sizes, each a checkpoint of this very log.
extension SQLiteLedgerStore {
    /// Stores the signed checkpoint note for the log at `treeSize`. Refused when `treeSize` is
    /// beyond the log, not above the latest stored checkpoint, or when the note's checkpoint is
    /// not this log's at that size (other size or root). Signatures are not checked here: the
    /// store holds no keys; verifying is the reader's job (`Checkpoint(signedNote:verifier:)`).
    /// With a shared log, it is stored there first, for every instance.
    public func storeCheckpoint(treeSize: UInt64, note: String, signedAt: Date = Date()) throws {
        try checkMatchesLog(treeSize: treeSize, note: note)
        if let latest = try latestCheckpoint()?.treeSize, latest >= treeSize {
            throw LedgerStoreError.checkpointNotNewer(treeSize: treeSize, latest: latest)
        }
        try sharedLog?.storeCheckpoint(LedgerStoredCheckpoint(treeSize: treeSize, note: note, signedAt: signedAt))
        try storeHere(treeSize: treeSize, note: note, signedAt: signedAt)
    }

    /// Takes in the checkpoints other instances signed since this index's latest (nothing
    /// without a shared log). Each must be of this log at its size, or it is refused, loudly.
    public func takeInSharedCheckpoints() throws {
        guard let sharedLog else { return }
        let logSize = try leafCount
        for checkpoint in try sharedLog.checkpoints(above: try latestCheckpoint()?.treeSize ?? 0) where checkpoint.treeSize <= logSize {
            try checkMatchesLog(treeSize: checkpoint.treeSize, note: checkpoint.note)
            do {
                try storeHere(treeSize: checkpoint.treeSize, note: checkpoint.note, signedAt: checkpoint.signedAt)
            } catch LedgerStoreError.checkpointNotNewer {
                continue  // this instance signed a newer one meanwhile
            }
        }
    }

    private func checkMatchesLog(treeSize: UInt64, note: String) throws {
        let logSize = try leafCount
        guard treeSize <= logSize else { throw LedgerStoreError.checkpointBeyondLog(treeSize: treeSize, logSize: logSize) }
        // The log is append-only, so this root cannot change between here and the insert.
        try checkNote(note, describes: treeSize, rootHash: rootHash(treeSize: treeSize))
    }

    private func storeHere(treeSize: UInt64, note: String, signedAt: Date) throws {
        let logSize = try leafCount
        guard let signedAtText = UTCTimestamp.string(from: signedAt) else {
            throw LedgerStoreError.checkpointDoesNotMatchLog(treeSize: treeSize, reason: "signing time out of range")
        }
        do {
            try index.waitUntilApplied(logSize)
            try database.write { db in
                // Checked in the write transaction, so two concurrent calls cannot both pass.
                if let latest = try Int64.fetchOne(db, sql: "SELECT MAX(tree_size) FROM checkpoints"), latest >= Int64(treeSize) {
                    throw LedgerStoreError.checkpointNotNewer(treeSize: treeSize, latest: UInt64(latest))
                }
                try db.execute(sql: "INSERT INTO checkpoints (tree_size, note, signed_at) VALUES (?, ?, ?)",
                               arguments: [Int64(treeSize), note, signedAtText])
            }
        } catch let error as DatabaseError {
            throw LedgerStoreError.database(StoreFailure.describe(error))
        }
    }

    /// The checkpoint with the largest tree size, if any.
    public func latestCheckpoint() throws -> LedgerStoredCheckpoint? {
        _ = try leafCount  // refuses once closed
        return try readDatabase { db in
            try Row.fetchOne(db, sql: "SELECT tree_size, note, signed_at FROM checkpoints ORDER BY tree_size DESC LIMIT 1")
                .map(Self.checkpoint)
        }
    }

    /// Every stored checkpoint, by increasing tree size.
    public func checkpoints() throws -> [LedgerStoredCheckpoint] {
        _ = try leafCount
        return try readDatabase { db in
            try Row.fetchAll(db, sql: "SELECT tree_size, note, signed_at FROM checkpoints ORDER BY tree_size").map(Self.checkpoint)
        }
    }

    private func checkNote(_ note: String, describes treeSize: UInt64, rootHash: MerkleHash) throws {
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint(text: SignedNote(parsing: note).text)
        } catch {
            throw LedgerStoreError.checkpointDoesNotMatchLog(treeSize: treeSize, reason: "not a signed checkpoint note (\(error))")
        }
        guard checkpoint.treeSize == treeSize else {
            throw LedgerStoreError.checkpointDoesNotMatchLog(treeSize: treeSize, reason: "the note is for tree size \(checkpoint.treeSize)")
        }
        guard checkpoint.rootHash == rootHash else {
            throw LedgerStoreError.checkpointDoesNotMatchLog(treeSize: treeSize, reason: "the note's root hash is not the log's")
        }
    }

    private static func checkpoint(_ row: Row) throws -> LedgerStoredCheckpoint {
        let treeSize: Int64 = row[0]
        let signedAtText: String = row[2]
        guard treeSize >= 0, let signedAt = UTCTimestamp.date(from: signedAtText) else {
            throw LedgerStoreError.database("checkpoint row for tree size \(treeSize) is malformed")
        }
        return LedgerStoredCheckpoint(treeSize: UInt64(treeSize), note: row[1], signedAt: signedAt)
    }
}
