/// Why a whole log did not verify: the first entry (by index) or checkpoint (by tree size) at
/// fault, and why.
public enum LedgerLogVerificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The entry at `index`: the store refused it on open (hash, node, gap), or it is not a v1 entry.
    case entry(index: UInt64, reason: String)
    /// A checkpoint (stored, or an external copy from `source`) at `treeSize`.
    case checkpoint(treeSize: UInt64, source: String, reason: String)
    /// An external checkpoint note that cannot even be read (so it has no tree size).
    case unreadableCheckpoint(source: String, reason: String)
    /// The store could not be read at all, or failed in a way that names no index.
    case store(String)

    public var description: String {
        switch self {
        case .entry(let index, let reason): return "FAILED at index \(index): \(reason)"
        case .checkpoint(let treeSize, let source, let reason): return "FAILED at checkpoint at tree size \(treeSize) (\(source)): \(reason)"
        case .unreadableCheckpoint(let source, let reason): return "FAILED at checkpoint \(source): \(reason)"
        case .store(let reason): return "FAILED: \(reason)"
        }
    }
}

extension LedgerLogVerificationFailure {
    /// The store's refusal to open, as a verification failure naming the first bad index.
    public init(openError error: LedgerStoreError) {
        switch error {
        case .entryMissing(let index), .leafHashMismatch(let index), .nodeMismatch(_, let index), .nodeMissing(_, let index):
            self = .entry(index: index, reason: "\(error)")
        case .unexpectedNode(let node):
            self = .entry(index: node.leaves.lowerBound, reason: "\(error)")
        case .frontierMismatch(let treeSize):
            self = .entry(index: treeSize, reason: "\(error)")
        case .checkpointBeyondLog(let treeSize, _):
            self = .checkpoint(treeSize: treeSize, source: "database", reason: "\(error) (the log was truncated)")
        default:
            self = .store("\(error)")
        }
    }
}
