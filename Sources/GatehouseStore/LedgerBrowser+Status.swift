import Foundation
import GRDB
import GatehouseLedger

/// The ledger's size, root and latest checkpoint.
public struct LedgerStatus: Sendable, Equatable {
    /// The log's origin: the latest checkpoint's, else the browser's configured origin or verifier key name.
    public var origin: String?
    public var treeSize: UInt64
    /// The current root in base64, as checkpoints write it.
    public var rootHash: String
    public var checkpointCount: Int
    public var latestCheckpoint: CheckpointStatus?
}

/// A stored checkpoint, parsed and checked.
public struct CheckpointStatus: Sendable, Equatable {
    public var treeSize: UInt64
    /// The signed root in base64.
    public var rootHash: String
    public var signedAt: Date
    /// The full signed note text.
    public var note: String
    /// Signed by the log's key for its origin; nil when the browser has no verifier.
    public var signatureValid: Bool?
    /// The signed root is the stored tree's root at that size.
    public var matchesStoredTree: Bool
}

/// An entry's inclusion proof, recomputed from the stored tree and verified.
public struct InclusionCheck: Sendable, Equatable {
    public var index: UInt64
    /// The size of the tree the proof is for (the checkpoint's, or the current log's).
    public var treeSize: UInt64
    /// The number of hashes in the proof.
    public var proofHashes: Int
    public var verified: Bool
    /// Verified against a stored signed checkpoint (false: against the current root, no checkpoint covering the entry yet).
    public var againstCheckpoint: Bool
    /// Why it did not verify.
    public var failure: String?
}

extension LedgerBrowser {
    public func status() throws -> LedgerStatus {
        let tree = try store.tree.committed()
        let count = try store.readDatabase { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkpoints") ?? 0 }
        let latest = try store.latestCheckpoint().map(checkpointStatus)
        let parsedOrigin = latest.flatMap { try? Checkpoint(text: SignedNote(parsing: $0.note).text).origin }
        return LedgerStatus(origin: parsedOrigin ?? origin ?? verifier?.keyName, treeSize: tree.leafCount,
                            rootHash: tree.rootHash.base64, checkpointCount: count, latestCheckpoint: latest)
    }

    /// Recomputes the inclusion proof of entry `index` from the stored tree and verifies it,
    /// with the leaf hash recomputed from the entry's bytes, against the latest stored checkpoint
    /// (its signature checked when the browser has a verifier); when no checkpoint covers the
    /// entry yet, against the current root (`againstCheckpoint` false).
    public func inclusion(of index: UInt64) throws -> InclusionCheck {
        let tree = try store.tree.committed()
        var check = InclusionCheck(index: index, treeSize: tree.leafCount, proofHashes: 0, verified: false, againstCheckpoint: false,
                                   failure: nil)
        guard index < tree.leafCount else {
            check.failure = "entry \(index) is not in the log (\(tree.leafCount) entries)"
            return check
        }
        var root = tree.rootHash
        if let stored = try store.latestCheckpoint(), stored.treeSize > index {
            check.treeSize = stored.treeSize
            check.againstCheckpoint = true
            do {
                root = try openCheckpoint(stored.note).rootHash
            } catch {
                check.failure = "the checkpoint at tree size \(stored.treeSize) does not verify: \(error)"
                return check
            }
        }
        do {
            guard let entry = try store.entry(at: index) else { throw LedgerStoreError.entryMissing(index: index) }
            let leafHash = MerkleHash.leafHash(entry.bytes)
            guard leafHash == entry.leafHash else {
                check.failure = "entry \(index)'s bytes do not hash to its stored leaf hash"
                return check
            }
            let proof = try store.inclusionProof(leafIndex: index, treeSize: check.treeSize)
            check.proofHashes = proof.count
            try MerkleVerifier.verifyInclusion(leafIndex: index, treeSize: check.treeSize, leafHash: leafHash, proof: proof, rootHash: root)
            check.verified = true
        } catch {
            let against = check.againstCheckpoint ? "the signed checkpoint at tree size \(check.treeSize)" : "the current root"
            check.failure = "entry \(index) is not proven in \(against): \(error)"
        }
        return check
    }

    private func checkpointStatus(_ stored: LedgerStoredCheckpoint) throws -> CheckpointStatus {
        let checkpoint = try Checkpoint(text: SignedNote(parsing: stored.note).text)
        let signatureValid = verifier.map { _ in (try? openCheckpoint(stored.note)) != nil }
        let matches = checkpoint.treeSize == stored.treeSize && (try? store.rootHash(treeSize: stored.treeSize)) == checkpoint.rootHash
        return CheckpointStatus(treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash.base64, signedAt: stored.signedAt,
                                note: stored.note, signatureValid: signatureValid, matchesStoredTree: matches)
    }

    /// The checkpoint of `note`: signature-checked by the verifier for the origin when there is
    /// one, only parsed otherwise.
    private func openCheckpoint(_ note: String) throws -> Checkpoint {
        guard let verifier else { return try Checkpoint(text: SignedNote(parsing: note).text) }
        return try Checkpoint(signedNote: note, verifier: verifier, origin: origin)
    }
}
