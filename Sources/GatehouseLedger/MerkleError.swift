/// Why a root or proof could not be produced from a store.
public enum MerkleTreeError: Error, Equatable, Sendable {
    /// A tree size beyond what the store holds.
    case treeSizeBeyondLog(requested: UInt64, logSize: UInt64)
    /// A leaf index at or past the tree size it is to be proven in.
    case leafIndexOutOfRange(leafIndex: UInt64, treeSize: UInt64)
    /// A consistency proof asked from a larger tree to a smaller one.
    case sizesOutOfOrder(from: UInt64, to: UInt64)
    /// The store has no hash for a node it should hold (storage damaged or incomplete).
    case missingNode(MerkleNodeID)
    /// A restored frontier whose subtree count does not match its size.
    case frontierMismatch(size: UInt64, subtreeCount: Int)
}

/// Why a proof failed verification: what an auditor reports.
public enum MerkleProofError: Error, Equatable, Sendable {
    /// The leaf index is not below the tree size.
    case leafIndexOutOfRange(leafIndex: UInt64, treeSize: UInt64)
    /// The first size is larger than the second.
    case sizesOutOfOrder(from: UInt64, to: UInt64)
    /// The proof has more or fewer hashes than the sizes call for.
    case wrongProofLength
    /// The proof recomputes a root other than the one given.
    case rootMismatch
}
