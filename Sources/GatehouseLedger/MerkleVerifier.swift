/// The verifier an auditor runs: checks proofs against sizes and hashes alone, with no access
/// to the log. RFC 9162 2.1.3.2 (inclusion) and 2.1.4.2 (consistency), step for step.
public enum MerkleVerifier {
    /// The root that `proof` leads to from leaf `leafIndex` with hash `leafHash` in a tree of
    /// `treeSize` leaves (RFC 9162 2.1.3.2 steps 1-4). Compare it to a signed root yourself, or
    /// use `verifyInclusion`.
    public static func rootFromInclusionProof(leafIndex: UInt64, treeSize: UInt64, leafHash: MerkleHash,
                                              proof: [MerkleHash]) throws -> MerkleHash {
        guard leafIndex < treeSize else {
            throw MerkleProofError.leafIndexOutOfRange(leafIndex: leafIndex, treeSize: treeSize)
        }
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { throw MerkleProofError.wrongProofLength }
            if fn & 1 == 1 || fn == sn {
                r = .interiorHash(p, r)
                // Climb past the levels where this node has no right sibling (right edge).
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = .interiorHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw MerkleProofError.wrongProofLength }
        return r
    }

    /// Succeeds when `proof` shows leaf `leafIndex` with hash `leafHash` is in the tree of
    /// `treeSize` leaves whose root is `rootHash` (RFC 9162 2.1.3.2); throws why not otherwise.
    public static func verifyInclusion(leafIndex: UInt64, treeSize: UInt64, leafHash: MerkleHash,
                                       proof: [MerkleHash], rootHash: MerkleHash) throws {
        let computed = try rootFromInclusionProof(leafIndex: leafIndex, treeSize: treeSize, leafHash: leafHash, proof: proof)
        guard computed == rootHash else { throw MerkleProofError.rootMismatch }
    }

    /// Succeeds when `proof` shows the tree of `oldSize` leaves with root `oldRoot` is a prefix of
    /// the tree of `newSize` leaves with root `newRoot` (RFC 9162 2.1.4.2); throws why not otherwise.
    /// The RFC states the algorithm for 0 < oldSize < newSize; the edge cases follow the usual
    /// convention: equal sizes need equal roots and an empty proof, and the empty tree is a
    /// prefix of every tree (empty proof).
    public static func verifyConsistency(oldSize: UInt64, newSize: UInt64, oldRoot: MerkleHash,
                                         newRoot: MerkleHash, proof: [MerkleHash]) throws {
        guard oldSize <= newSize else { throw MerkleProofError.sizesOutOfOrder(from: oldSize, to: newSize) }
        if oldSize == newSize || oldSize == 0 {
            guard proof.isEmpty else { throw MerkleProofError.wrongProofLength }
            guard oldSize == 0 || oldRoot == newRoot else { throw MerkleProofError.rootMismatch }
            return
        }
        // Step 1.
        guard !proof.isEmpty else { throw MerkleProofError.wrongProofLength }
        // Step 2: a perfect old tree is itself a node of the new tree, so the proof omits it.
        let path = TreeSizeMath.isPerfect(oldSize) ? [oldRoot] + proof : proof
        // Steps 3-4.
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // Step 5.
        var fr = path[0]
        var sr = path[0]
        // Step 6.
        for c in path.dropFirst() {
            guard sn != 0 else { throw MerkleProofError.wrongProofLength }
            if fn & 1 == 1 || fn == sn {
                fr = .interiorHash(c, fr)
                sr = .interiorHash(c, sr)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = .interiorHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 7.
        guard sn == 0 else { throw MerkleProofError.wrongProofLength }
        guard fr == oldRoot, sr == newRoot else { throw MerkleProofError.rootMismatch }
    }
}
