import Foundation
import GatehouseLedger

/// Verifies a whole stored log, for `gatehouse audit verify`. Opening the store has already
/// re-hashed every entry and rebuilt every node (`LedgerIntegrityCheck`); this adds what needs
/// the format and the key: every entry decodes as a canonical v1 entry, every stored checkpoint
/// is signed by the log's key for this origin and names the log's root at its size, consecutive
/// checkpoints are proven consistent, and so are external copies of checkpoints (a sink's
/// files), which catch a truncated log whose stored checkpoints were deleted with its tail.
/// Stops at the first failure: entries by index, then checkpoints by tree size.
public struct LedgerLogVerification {
    public let store: SQLiteLedgerStore
    public let verifier: Ed25519NoteVerifier
    public let origin: String

    public init(store: SQLiteLedgerStore, verifier: Ed25519NoteVerifier, origin: String? = nil) {
        self.store = store
        self.verifier = verifier
        self.origin = origin ?? verifier.keyName
    }

    /// Throws `LedgerLogVerificationFailure`.
    public func verify(externalCheckpoints: [LedgerExternalCheckpointNote] = []) throws -> LedgerLogVerificationSummary {
        do {
            let treeSize = try store.leafCount
            let entries = try verifyEntries(treeSize: treeSize)
            let stored = try verifyStoredCheckpoints()
            let external = try verifyExternal(externalCheckpoints, treeSize: treeSize)
            let storedSizes = Set(stored.map(\.treeSize))
            return LedgerLogVerificationSummary(
                origin: origin, treeSize: treeSize, rootHash: try store.rootHash(treeSize: treeSize), sessionCount: entries.sessions,
                checkpointCount: stored.count, latestCheckpointSize: stored.last?.treeSize,
                externalCheckpointCount: external.count,
                externalOnlyCount: Set(external.map(\.treeSize)).subtracting(storedSizes).count)
        } catch let failure as LedgerLogVerificationFailure {
            throw failure
        } catch let error as LedgerStoreError {
            throw LedgerLogVerificationFailure(openError: error)
        } catch {
            throw LedgerLogVerificationFailure.store("\(error)")
        }
    }
}

/// What a verified log holds.
public struct LedgerLogVerificationSummary: Sendable, Equatable, CustomStringConvertible {
    public let origin: String
    public let treeSize: UInt64
    public let rootHash: MerkleHash
    public let sessionCount: Int
    public let checkpointCount: Int
    public let latestCheckpointSize: UInt64?
    public let externalCheckpointCount: Int
    /// External checkpoints whose tree size has no stored checkpoint (deleted from the database, or never stored).
    public let externalOnlyCount: Int

    public var description: String {
        var text = "Verified the log '\(origin)': \(treeSize) entries of \(sessionCount) session(s), every one re-hashed into the "
            + "Merkle tree (root \(rootHash.base64)) and decoded as a canonical v1 entry; "
        if let latest = latestCheckpointSize {
            text += "\(checkpointCount) stored checkpoint(s) signed by the key and consistent with each other and with the log, the latest at tree size \(latest)"
            if latest < treeSize { text += " (the last \(treeSize - latest) entries are not yet covered by a checkpoint)" }
        } else {
            text += "no stored checkpoint (nothing signed yet)"
        }
        if externalCheckpointCount > 0 {
            text += "; \(externalCheckpointCount) external checkpoint(s) verified against the log"
            if externalOnlyCount > 0 { text += ", \(externalOnlyCount) of them absent from the database" }
        }
        return text + "."
    }
}
