import Foundation
import GatehouseCore
import GatehouseLedger
import Logging

/// Signs checkpoints of the ledger: when the log has grown since the latest checkpoint, it
/// proves the new tree consistent with that checkpoint (RFC 9162 consistency proof, checked
/// against the root the latest note signed) before signing, so the log never signs two trees
/// that contradict each other. Each note is stored with the log and, when configured, also
/// written to a sink outside the database.
public final class LedgerCheckpointer: @unchecked Sendable {
    private let store: SQLiteLedgerStore
    private let signer: any NoteSigner
    private let verifier: any NoteVerifier
    private let origin: String
    private let sink: CheckpointSink?
    private let logger: Logger
    // Guarded by `lock`: why the last attempt to sign failed, nil after one that did not.
    private let lock = NSLock()
    private var failure: String?

    public init(store: SQLiteLedgerStore, signer: Ed25519NoteSigner, origin: String, sink: CheckpointSink?, logger: Logger) {
        self.store = store
        self.signer = signer
        self.verifier = signer.verifier
        self.origin = origin
        self.sink = sink
        self.logger = logger
    }

    /// Signs, stores and publishes a checkpoint of the committed log when it has grown; returns
    /// it, or nil when the latest checkpoint is already of this size (or the log is empty).
    /// Throws `LedgerCheckpointError` when the latest checkpoint does not verify or the log is
    /// not consistent with it: then nothing is signed.
    @discardableResult
    public func checkpointIfGrown(at time: Date = Date()) throws -> LedgerStoredCheckpoint? {
        // With a shared log, another instance may have signed this tree already.
        try store.takeInSharedCheckpoints()
        let size = try store.leafCount
        let latest = try store.latestCheckpoint()
        guard size > (latest?.treeSize ?? 0) else { return nil }
        let root = try store.rootHash(treeSize: size)
        if let latest { try checkConsistency(from: latest, to: size, root: root) }
        let note = try Checkpoint(origin: origin, treeSize: size, rootHash: root).signed(by: signer).serialized
        try store.storeCheckpoint(treeSize: size, note: note, signedAt: time)
        let stored = LedgerStoredCheckpoint(treeSize: size, note: note, signedAt: time)
        if let sink {
            do {
                try sink.write(stored)
            } catch {
                // The note is in the database; the copy outside is what failed: loud, not fatal.
                logger.error("could not write the checkpoint to the sink", metadata: ["sink": "\(sink)", "tree_size": "\(size)", "error": "\(error)"])
            }
        }
        return stored
    }

    /// Throws `LedgerCheckpointError.latestDoesNotVerify` when the latest stored checkpoint is
    /// not this key's signature on this origin (the origin or the key changed since): nothing
    /// could be signed after it, so the gateway refuses to start rather than run unsigned.
    public func verifyLatest() throws {
        guard let latest = try store.latestCheckpoint() else { return }
        do {
            _ = try Checkpoint(signedNote: latest.note, verifier: verifier, origin: origin)
        } catch {
            throw LedgerCheckpointError.latestDoesNotVerify(treeSize: latest.treeSize, reason: "\(error)")
        }
    }

    /// Why the last attempt to sign failed (`run`), or nil: `/readyz` reports it.
    public var lastFailure: String? { lock.withLock { failure } }

    /// Signs when the log has grown, every `interval`, until the task is cancelled. A failure is
    /// logged each time and signing stays stopped for that tree (it is retried next tick).
    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                try checkpointIfGrown()
                lock.withLock { failure = nil }
            } catch LedgerStoreError.closed {
                return
            } catch {
                lock.withLock { failure = "\(error)" }
                logger.error("checkpoint not signed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    private func checkConsistency(from latest: LedgerStoredCheckpoint, to size: UInt64, root: MerkleHash) throws {
        let previous: Checkpoint
        do {
            previous = try Checkpoint(signedNote: latest.note, verifier: verifier, origin: origin)
        } catch {
            throw LedgerCheckpointError.latestDoesNotVerify(treeSize: latest.treeSize, reason: "\(error)")
        }
        do {
            let proof = try store.consistencyProof(from: previous.treeSize, to: size)
            try MerkleVerifier.verifyConsistency(oldSize: previous.treeSize, newSize: size, oldRoot: previous.rootHash,
                                                 newRoot: root, proof: proof)
        } catch {
            throw LedgerCheckpointError.inconsistent(previousSize: previous.treeSize, treeSize: size, reason: "\(error)")
        }
    }
}

/// Why no checkpoint was signed.
public enum LedgerCheckpointError: Error, Equatable, CustomStringConvertible {
    /// The latest stored checkpoint is not this log's key's signature on this origin.
    case latestDoesNotVerify(treeSize: UInt64, reason: String)
    /// The log at `treeSize` does not extend the tree the latest checkpoint signed.
    case inconsistent(previousSize: UInt64, treeSize: UInt64, reason: String)

    public var description: String {
        switch self {
        case .latestDoesNotVerify(let treeSize, let reason):
            return "refusing to sign: the latest checkpoint (tree size \(treeSize)) does not verify with the log's key: \(reason)"
        case .inconsistent(let previousSize, let treeSize, let reason):
            return "refusing to sign tree size \(treeSize): it is not consistent with the checkpoint at \(previousSize) (\(reason))"
        }
    }
}
