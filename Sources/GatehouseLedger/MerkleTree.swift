/// A whole log's tree in memory: every leaf hash and every completed perfect subtree (2n hashes,
/// 64 MB at a million leaves). The reference `MerkleTreeStore`, used by tests and wherever a
/// log is re-hashed from its entries and proofs are then wanted.
public struct MerkleTree: MerkleTreeStore, Sendable {
    /// `levels[l][i]` is the hash of `MerkleNodeID(level: l, index: i)`.
    private var levels: [[MerkleHash]] = [[]]

    /// The empty log.
    public init() {}

    /// The log of these leaf hashes, in order.
    public init<LeafHashes: Sequence>(leafHashes: LeafHashes) where LeafHashes.Element == MerkleHash {
        levels[0].reserveCapacity(leafHashes.underestimatedCount)
        for leafHash in leafHashes { append(leafHash: leafHash) }
    }

    /// The log of these entries, in order, each hashed as a leaf.
    public init<Entries: Sequence>(entries: Entries) where Entries.Element: Collection, Entries.Element.Element == UInt8 {
        self.init(leafHashes: entries.lazy.map { MerkleHash.leafHash($0) })
    }

    public var leafCount: UInt64 { UInt64(levels[0].count) }

    /// MTH of the whole log.
    public var rootHash: MerkleHash {
        // Cannot throw: every node below leafCount is held.
        try! rootHash(treeSize: leafCount)
    }

    /// Appends the leaf with hash `leafHash`, completing its new parents (amortised one hash).
    public mutating func append(leafHash: MerkleHash) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count & 1 == 0 {
            let count = levels[level].count
            let parent = MerkleHash.interiorHash(levels[level][count - 2], levels[level][count - 1])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    /// Appends the entry, hashing it as a leaf.
    public mutating func append<Bytes: Collection>(entry: Bytes) where Bytes.Element == UInt8 {
        append(leafHash: .leafHash(entry))
    }

    public func hash(of node: MerkleNodeID) throws -> MerkleHash {
        guard node.level < levels.count, node.index < UInt64(levels[node.level].count) else {
            throw MerkleTreeError.missingNode(node)
        }
        return levels[node.level][Int(node.index)]
    }
}
