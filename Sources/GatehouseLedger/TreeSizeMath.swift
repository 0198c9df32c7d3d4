/// Tree-size arithmetic of RFC 9162 2.1: where a tree of n leaves splits, and which perfect
/// subtrees make up a tree that is not itself perfect.
public enum TreeSizeMath {
    /// k in RFC 9162 2.1.1: the largest power of two strictly smaller than `n` (n >= 2).
    @inlinable
    public static func split(_ n: UInt64) -> UInt64 {
        precondition(n >= 2, "only trees of two or more leaves split")
        return 1 << UInt64(63 - (n - 1).leadingZeroBitCount)
    }

    /// Whether a subtree of `n` leaves is perfect (n is a power of two).
    @inlinable
    public static func isPerfect(_ n: UInt64) -> Bool {
        n != 0 && n & (n - 1) == 0
    }

    /// The perfect subtrees that make up the `size` leaves starting at `start`, largest (leftmost)
    /// first: one per set bit of `size`. `start` must be a multiple of the smallest power of two
    /// >= `size`, which holds for every subtree the RFC recursion visits and for the whole log
    /// (start 0); the hash of the range is these folded from the right (`interiorHash(a, fold(rest))`).
    public static func perfectSubtrees(start: UInt64 = 0, size: UInt64) -> [MerkleNodeID] {
        var nodes: [MerkleNodeID] = []
        nodes.reserveCapacity(size.nonzeroBitCount)
        var first = start
        var remaining = size
        while remaining != 0 {
            let level = 63 - remaining.leadingZeroBitCount
            nodes.append(MerkleNodeID(level: level, firstLeaf: first))
            first += 1 << UInt64(level)
            remaining &= ~(1 << UInt64(level))
        }
        return nodes
    }
}
