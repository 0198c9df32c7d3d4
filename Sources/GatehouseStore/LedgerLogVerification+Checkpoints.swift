import GatehouseLedger

/// Checkpoints, stored and external: each must be this log's key's signature on this origin, and
/// name the log's own root at its size; stored ones must also be pairwise consistent in order
/// (the proof a monitor would ask for), so a rewritten history is caught even between two
/// checkpoints that each match.
extension LedgerLogVerification {
    func verifyStoredCheckpoints() throws -> [Checkpoint] {
        var verified: [Checkpoint] = []
        for stored in try store.checkpoints() {
            let checkpoint = try verifiedCheckpoint(stored.note, treeSize: stored.treeSize, source: "database")
            if let previous = verified.last {
                do {
                    let proof = try store.consistencyProof(from: previous.treeSize, to: checkpoint.treeSize)
                    try MerkleVerifier.verifyConsistency(oldSize: previous.treeSize, newSize: checkpoint.treeSize,
                                                         oldRoot: previous.rootHash, newRoot: checkpoint.rootHash, proof: proof)
                } catch {
                    throw LedgerLogVerificationFailure.checkpoint(
                        treeSize: checkpoint.treeSize, source: "database",
                        reason: "not consistent with the checkpoint at tree size \(previous.treeSize) (\(error))")
                }
            }
            verified.append(checkpoint)
        }
        return verified
    }

    func verifyExternal(_ notes: [LedgerExternalCheckpointNote], treeSize: UInt64) throws -> [Checkpoint] {
        // By tree size, so the first failure reported is the smallest size at fault.
        let parsed = try notes.map { note -> (LedgerExternalCheckpointNote, Checkpoint) in
            do {
                return (note, try Checkpoint(text: SignedNote(parsing: note.note).text))
            } catch {
                throw LedgerLogVerificationFailure.unreadableCheckpoint(source: note.source, reason: "not a signed checkpoint note: \(error)")
            }
        }
        return try parsed.sorted { $0.1.treeSize < $1.1.treeSize }.map { note, unverified in
            if let named = note.namedTreeSize, named != unverified.treeSize {
                throw LedgerLogVerificationFailure.checkpoint(treeSize: unverified.treeSize, source: note.source,
                                                              reason: "the file is named for tree size \(named)")
            }
            guard unverified.treeSize <= treeSize else {
                // Checked after the signature: only a genuine checkpoint proves the log was longer.
                _ = try verifiedCheckpoint(note.note, treeSize: unverified.treeSize, source: note.source, checkRoot: false)
                throw LedgerLogVerificationFailure.checkpoint(
                    treeSize: unverified.treeSize, source: note.source,
                    reason: "the log holds only \(treeSize) entries: it was truncated after this checkpoint was signed")
            }
            return try verifiedCheckpoint(note.note, treeSize: unverified.treeSize, source: note.source)
        }
    }

    private func verifiedCheckpoint(_ note: String, treeSize: UInt64, source: String, checkRoot: Bool = true) throws -> Checkpoint {
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint(signedNote: note, verifier: verifier, origin: origin)
        } catch {
            throw LedgerLogVerificationFailure.checkpoint(treeSize: treeSize, source: source, reason: "\(error)")
        }
        guard checkpoint.treeSize == treeSize else {
            throw LedgerLogVerificationFailure.checkpoint(treeSize: treeSize, source: source,
                                                          reason: "the note is for tree size \(checkpoint.treeSize)")
        }
        guard checkRoot else { return checkpoint }
        let root = try store.rootHash(treeSize: treeSize)
        guard checkpoint.rootHash == root else {
            throw LedgerLogVerificationFailure.checkpoint(
                treeSize: treeSize, source: source,
                reason: "the signed root \(checkpoint.rootHash.base64) is not the log's root \(root.base64) at that size (the log was rewritten)")
        }
        return checkpoint
    }
}
