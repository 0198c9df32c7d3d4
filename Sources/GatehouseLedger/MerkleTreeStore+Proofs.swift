/// Roots and proofs of any tree size the store holds, in O(log n) node lookups (one batch) and
/// O(log n) hashes: no leaf is re-hashed.
extension MerkleTreeStore {
    /// MTH(D[0:treeSize]): the root of the log as it was at `treeSize` leaves.
    public func rootHash(treeSize: UInt64) throws -> MerkleHash {
        try checkInLog(treeSize)
        guard treeSize > 0 else { return .emptyTree }
        return try MerkleRangeHasher(store: self, ranges: [MerkleLeafRange(start: 0, count: treeSize)]).hashes[0]
    }

    /// The audit path of RFC 9162 2.1.3.1 for leaf `leafIndex` in the tree of `treeSize` leaves,
    /// leaf-side sibling first.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws -> [MerkleHash] {
        try checkInLog(treeSize)
        guard leafIndex < treeSize else {
            throw MerkleTreeError.leafIndexOutOfRange(leafIndex: leafIndex, treeSize: treeSize)
        }
        let plan = MerkleProofPlan.inclusion(leafIndex: leafIndex, treeSize: treeSize)
        return try MerkleRangeHasher(store: self, ranges: plan).hashes
    }

    /// The consistency proof of RFC 9162 2.1.4.1 that the tree of `oldSize` leaves is a prefix of
    /// the tree of `newSize` leaves. Empty when `oldSize` is 0 or equal to `newSize`.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws -> [MerkleHash] {
        try checkInLog(newSize)
        guard oldSize <= newSize else { throw MerkleTreeError.sizesOutOfOrder(from: oldSize, to: newSize) }
        let plan = MerkleProofPlan.consistency(from: oldSize, to: newSize)
        return try MerkleRangeHasher(store: self, ranges: plan).hashes
    }

    private func checkInLog(_ treeSize: UInt64) throws {
        let logSize = try leafCount
        guard treeSize <= logSize else { throw MerkleTreeError.treeSizeBeyondLog(requested: treeSize, logSize: logSize) }
    }
}

/// Turns the subtrees a root or proof needs into hashes: perfect ones are stored nodes; the
/// others (always on the log's right edge) are folds of stored nodes, shared between ranges and
/// memoised, so a proof costs O(log n) hashes in total.
struct MerkleRangeHasher {
    let hashes: [MerkleHash]

    init<Store: MerkleTreeStore>(store: Store, ranges: [MerkleLeafRange]) throws {
        var needed: [MerkleNodeID] = []
        var seen: Set<MerkleNodeID> = []
        for range in ranges {
            for node in TreeSizeMath.perfectSubtrees(start: range.start, size: range.count) where seen.insert(node).inserted {
                needed.append(node)
            }
        }
        let found = try store.hashes(of: needed)
        var nodes: [MerkleNodeID: MerkleHash] = [:]
        for (node, hash) in zip(needed, found) { nodes[node] = hash }

        var folded: [MerkleLeafRange: MerkleHash] = [:]
        func fold(_ range: MerkleLeafRange) throws -> MerkleHash {
            if let hash = folded[range] { return hash }
            let level = 63 - range.count.leadingZeroBitCount
            let left = MerkleNodeID(level: level, firstLeaf: range.start)
            guard let leftHash = nodes[left] else { throw MerkleTreeError.missingNode(left) }
            guard !TreeSizeMath.isPerfect(range.count) else { return leftHash }
            let rest = MerkleLeafRange(start: range.start + left.leafCount, count: range.count - left.leafCount)
            let hash = MerkleHash.interiorHash(leftHash, try fold(rest))
            folded[range] = hash
            return hash
        }
        hashes = try ranges.map(fold)
    }
}
