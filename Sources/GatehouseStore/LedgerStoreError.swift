import GatehouseLedger

/// Why the ledger store refused to open, read or store something. (Appends that fail complete
/// with `RecordingError`, as the `EventRecorder` protocol says, so callers fail closed.)
public enum LedgerStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Entry indexes are not 0, 1, 2...: `index` is the first one missing.
    case entryMissing(index: UInt64)
    /// The stored leaf hash of entry `index` is not the hash of its bytes.
    case leafHashMismatch(index: UInt64)
    /// A stored node disagrees with the entries under it; `index` is the first entry it covers
    /// (one of `node.leaves` was changed, moved or replaced; the tree cannot say which).
    case nodeMismatch(node: MerkleNodeID, index: UInt64)
    /// A node that the entries complete is not stored; `index` is the first entry it covers.
    case nodeMissing(node: MerkleNodeID, index: UInt64)
    /// A node is stored that no entry completes (or a level-0 row, which belongs in `entries`).
    case unexpectedNode(MerkleNodeID)
    /// A `nodes` row whose level or index no tree can have (negative, or level 64 and up).
    case invalidNodeRow(level: Int64, index: Int64)
    /// The frontier restored from stored nodes is not the one the entries produce.
    case frontierMismatch(treeSize: UInt64)
    case checkpointBeyondLog(treeSize: UInt64, logSize: UInt64)
    case checkpointNotNewer(treeSize: UInt64, latest: UInt64)
    /// The note is not a checkpoint of this log at that size (other size or another root).
    case checkpointDoesNotMatchLog(treeSize: UInt64, reason: String)
    case dataKeyExists(keyID: String)
    case dataKeyUnknown(keyID: String)
    case closed
    /// A write failed in a way that leaves memory and disk possibly out of step: reopen.
    case needsReopen(String)
    /// SQLite failed (result code and message only, never arguments).
    case database(String)
    /// The journal (`LedgerJournal`) cannot be read or written, or holds damage a crash does not leave.
    case journal(String)

    public var description: String {
        switch self {
        case .entryMissing(let index):
            return "ledger entry \(index) is missing (entries must be contiguous from 0)"
        case .leafHashMismatch(let index):
            return "ledger entry \(index): stored leaf hash does not match the entry's bytes"
        case .nodeMismatch(let node, let index):
            return "ledger \(node) (entries \(node.leaves)) does not match the entries; first bad index \(index)"
        case .nodeMissing(let node, let index):
            return "ledger \(node) is missing; first bad index \(index)"
        case .unexpectedNode(let node):
            return "ledger \(node) is stored but no entry completes it; first bad index \(node.leaves.lowerBound)"
        case .invalidNodeRow(let level, let index):
            return "ledger nodes table holds an impossible node (level \(level), index \(index))"
        case .frontierMismatch(let treeSize):
            return "the ledger's stored frontier at size \(treeSize) does not match its entries"
        case .checkpointBeyondLog(let treeSize, let logSize):
            return "checkpoint for tree size \(treeSize) refused: the log holds \(logSize) entries"
        case .checkpointNotNewer(let treeSize, let latest):
            return "checkpoint for tree size \(treeSize) refused: the latest checkpoint is already at \(latest)"
        case .checkpointDoesNotMatchLog(let treeSize, let reason):
            return "checkpoint for tree size \(treeSize) refused: \(reason)"
        case .dataKeyExists(let keyID):
            return "data key \(keyID) already exists"
        case .dataKeyUnknown(let keyID):
            return "data key \(keyID) is unknown"
        case .closed:
            return "the ledger store is closed"
        case .needsReopen(let reason):
            return "the ledger store must be reopened: \(reason)"
        case .database(let message):
            return "ledger database error: \(message)"
        case .journal(let message):
            return "ledger journal error: \(message)"
        }
    }
}
