/// A run of consecutive leaves [start, start + count): a subtree the RFC recursion visits.
struct MerkleLeafRange: Hashable {
    var start: UInt64
    var count: UInt64
}

/// Which subtrees make up a proof, in proof order, before any hash is looked up: the recursions
/// of RFC 9162 2.1.3.1 (PATH) and 2.1.4.1 (SUBPROOF), unrolled into loops. Each descends one
/// level per step and the RFC appends the sibling after the deeper part, hence the reversal.
enum MerkleProofPlan {
    /// PATH(m, D[n]): the siblings on the way from leaf `leafIndex` up to the root of `treeSize`.
    static func inclusion(leafIndex: UInt64, treeSize: UInt64) -> [MerkleLeafRange] {
        precondition(leafIndex < treeSize)
        var ranges: [MerkleLeafRange] = []
        var (start, size, index) = (UInt64(0), treeSize, leafIndex)
        while size > 1 {
            let k = TreeSizeMath.split(size)
            if index < k {
                ranges.append(MerkleLeafRange(start: start + k, count: size - k))
                size = k
            } else {
                ranges.append(MerkleLeafRange(start: start, count: k))
                (start, size, index) = (start + k, size - k, index - k)
            }
        }
        return ranges.reversed()
    }

    /// PROOF(m, D[n]) = SUBPROOF(m, D[n], true); empty when m == 0 or m == n (nothing to prove).
    static func consistency(from oldSize: UInt64, to newSize: UInt64) -> [MerkleLeafRange] {
        precondition(oldSize <= newSize)
        guard oldSize > 0, oldSize < newSize else { return [] }
        var ranges: [MerkleLeafRange] = []
        var (start, size, old, oldIsWholeTree) = (UInt64(0), newSize, oldSize, true)
        while old != size {
            let k = TreeSizeMath.split(size)
            if old <= k {
                ranges.append(MerkleLeafRange(start: start + k, count: size - k))
                size = k
            } else {
                ranges.append(MerkleLeafRange(start: start, count: k))
                (start, size, old, oldIsWholeTree) = (start + k, size - k, old - k, false)
            }
        }
        // The old tree's root is known to the verifier only when it is the subtree reached.
        if !oldIsWholeTree { ranges.append(MerkleLeafRange(start: start, count: size)) }
        return ranges.reversed()
    }
}
