/// A perfect subtree of the log: the 2^level leaves starting at `index << level`.
/// Level 0 nodes are the leaves themselves. These are the only nodes whose hashes never change
/// once complete, which is why they are the unit of storage (`MerkleTreeStore`).
public struct MerkleNodeID: Hashable, Sendable, CustomStringConvertible {
    /// Height above the leaves; the subtree holds 2^level leaves.
    public var level: Int
    /// Position among the nodes of the same level, from the left.
    public var index: UInt64

    public init(level: Int, index: UInt64) {
        precondition(level >= 0 && level < 64, "Merkle node level \(level) out of range")
        self.level = level
        self.index = index
    }

    /// The node of `level` whose leaves start at `firstLeaf` (which must be a multiple of 2^level).
    public init(level: Int, firstLeaf: UInt64) {
        precondition(firstLeaf & ((1 << UInt64(level)) - 1) == 0, "leaf \(firstLeaf) does not start a level-\(level) node")
        self.init(level: level, index: firstLeaf >> UInt64(level))
    }

    /// The number of leaves under this node.
    public var leafCount: UInt64 { 1 << UInt64(level) }

    /// The leaves under this node, as indexes into the log.
    public var leaves: Range<UInt64> {
        let first = index << UInt64(level)
        return first..<(first + leafCount)
    }

    public var description: String { "node(level: \(level), index: \(index))" }
}
