/// The right edge of a growing log: the hashes of the perfect subtrees that make up its leaves so
/// far, one per set bit of the leaf count (at most 64 hashes, whatever the size). Enough to append
/// and to compute the root, but not proofs: what `audit verify` streams a whole log through, and
/// what the storage layer keeps in memory to learn which nodes each append completes.
public struct MerkleFrontier: Hashable, Sendable {
    /// The number of leaves appended.
    public private(set) var leafCount: UInt64
    /// The right-edge subtree hashes, largest (leftmost) first; they are the nodes `subtreeNodes`.
    public private(set) var subtrees: [MerkleHash]

    /// The frontier of the empty log.
    public init() {
        leafCount = 0
        subtrees = []
        subtrees.reserveCapacity(64)
    }

    /// A frontier restored from its parts (as saved with a checkpoint, say).
    public init(leafCount: UInt64, subtrees: [MerkleHash]) throws {
        guard subtrees.count == leafCount.nonzeroBitCount else {
            throw MerkleTreeError.frontierMismatch(size: leafCount, subtreeCount: subtrees.count)
        }
        self.leafCount = leafCount
        self.subtrees = subtrees
    }

    /// The frontier of the first `treeSize` leaves of a store, from at most 64 stored nodes:
    /// how the storage layer resumes appending after a restart.
    public init<Store: MerkleTreeStore>(store: Store, treeSize: UInt64) throws {
        let logSize = try store.leafCount
        guard treeSize <= logSize else { throw MerkleTreeError.treeSizeBeyondLog(requested: treeSize, logSize: logSize) }
        let nodes = TreeSizeMath.perfectSubtrees(size: treeSize)
        let hashes = try store.hashes(of: nodes)
        guard hashes.count == nodes.count else { throw MerkleTreeError.missingNode(nodes[hashes.count]) }
        try self.init(leafCount: treeSize, subtrees: hashes)
    }

    /// Which nodes `subtrees` are, in the same order.
    public var subtreeNodes: [MerkleNodeID] { TreeSizeMath.perfectSubtrees(size: leafCount) }

    /// MTH of the log so far: the subtrees folded from the right. O(log n) hashes.
    public var rootHash: MerkleHash {
        guard var root = subtrees.last else { return .emptyTree }
        for subtree in subtrees.dropLast().reversed() { root = .interiorHash(subtree, root) }
        return root
    }

    /// Appends the leaf with hash `leafHash`.
    public mutating func append(leafHash: MerkleHash) {
        append(leafHash: leafHash) { _, _ in }
    }

    /// Appends the entry, hashing it as a leaf.
    public mutating func append<Bytes: Collection>(entry: Bytes) where Bytes.Element == UInt8 {
        append(leafHash: .leafHash(entry))
    }

    /// Appends the leaf with hash `leafHash` and reports every node this completes, the leaf
    /// itself (level 0) first, then each new parent upwards: exactly the nodes a
    /// `MerkleTreeStore` must store. One interior hash per leaf on average, at most log2(n).
    public mutating func append(leafHash: MerkleHash,
                                completing report: (MerkleNodeID, MerkleHash) throws -> Void) rethrows {
        var index = leafCount
        var level = 0
        try report(MerkleNodeID(level: 0, index: index), leafHash)
        subtrees.append(leafHash)
        // Each trailing one bit of the old count is a same-sized subtree waiting for a right sibling.
        while index & 1 == 1 {
            let right = subtrees.removeLast()
            let parent = MerkleHash.interiorHash(subtrees[subtrees.count - 1], right)
            subtrees[subtrees.count - 1] = parent
            index >>= 1
            level += 1
            try report(MerkleNodeID(level: level, index: index), parent)
        }
        leafCount += 1
    }
}
