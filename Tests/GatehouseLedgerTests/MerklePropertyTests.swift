import GatehouseCore
import Testing
@testable import GatehouseLedger

/// RFC 9162 2.1.1 / 2.1.3.1 / 2.1.4.1 written as literally as possible (recursive, O(n) per
/// call): the reference the store-based implementation is compared with on small trees.
enum ReferenceMerkle {
    static func mth(_ leaves: ArraySlice<MerkleHash>) -> MerkleHash {
        guard leaves.count > 1 else { return leaves.first ?? .emptyTree }
        let k = largestPowerOfTwo(below: leaves.count)
        let start = leaves.startIndex
        return .interiorHash(mth(leaves[start..<(start + k)]), mth(leaves[(start + k)...]))
    }

    static func path(_ m: Int, _ leaves: ArraySlice<MerkleHash>) -> [MerkleHash] {
        guard leaves.count > 1 else { return [] }
        let k = largestPowerOfTwo(below: leaves.count)
        let start = leaves.startIndex
        if m < k { return path(m, leaves[start..<(start + k)]) + [mth(leaves[(start + k)...])] }
        return path(m - k, leaves[(start + k)...]) + [mth(leaves[start..<(start + k)])]
    }

    static func subproof(_ m: Int, _ leaves: ArraySlice<MerkleHash>, _ b: Bool) -> [MerkleHash] {
        let n = leaves.count, start = leaves.startIndex
        if m == n { return b ? [] : [mth(leaves)] }
        let k = largestPowerOfTwo(below: n)
        if m <= k { return subproof(m, leaves[start..<(start + k)], b) + [mth(leaves[(start + k)...])] }
        return subproof(m - k, leaves[(start + k)...], false) + [mth(leaves[start..<(start + k)])]
    }

    private static func largestPowerOfTwo(below n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }
}


/// Entry `i` of the test logs: distinct, of varying length.
func testEntry(_ i: Int) -> [UInt8] {
    Array("event \(i) ".utf8) + [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: i % 37)
}

@Suite struct MerklePropertyTests {
    static let maxSize = 300
    static let leafHashes = (0..<maxSize).map { MerkleHash.leafHash(testEntry($0)) }
    static let tree = MerkleTree(leafHashes: leafHashes)
    /// One larger log; any prefix of it is a tree size to test.
    static let largeTree = MerkleTree(entries: (0..<100_003).lazy.map(testEntry))
    static let largeSizes: [UInt64] = [1023, 1024, 1025, 4097, 65_535, 65_536, 65_537, 99_999, 100_003]

    /// Which proofs get every corruption tried: all in small trees, a sample in larger ones.
    static func probed(_ size: Int, _ random: inout SplitMix64, sample: Int) -> Set<Int> {
        guard size > sample else { return Set(0..<size) }
        var chosen: Set<Int> = [0, size - 1]
        while chosen.count < sample { chosen.insert(random.below(size)) }
        return chosen
    }

    @Test(arguments: 1...maxSize)
    func everyInclusionProofVerifiesAndTamperingFails(size: Int) throws {
        let treeSize = UInt64(size)
        let root = try Self.tree.rootHash(treeSize: treeSize)
        if size <= 64 { #expect(root == ReferenceMerkle.mth(Self.leafHashes[0..<size])) }
        var random = SplitMix64(seed: UInt64(size))
        let probed = Self.probed(size, &random, sample: 24)
        for index in 0..<size {
            let proof = try Self.tree.inclusionProof(leafIndex: UInt64(index), treeSize: treeSize)
            if size <= 64 { #expect(proof == ReferenceMerkle.path(index, Self.leafHashes[0..<size])) }
            let leafHash = Self.leafHashes[index]
            try MerkleVerifier.verifyInclusion(leafIndex: UInt64(index), treeSize: treeSize, leafHash: leafHash,
                                               proof: proof, rootHash: root)
            guard probed.contains(index) else { continue }
            let probes = InclusionProbe.corruptions(leafIndex: UInt64(index), treeSize: treeSize, leafHash: leafHash,
                                                    proof: proof, rootHash: root,
                                                    bytePosition: { _ in random.below(MerkleHash.byteCount) })
            for probe in probes where probe.verifies {
                Issue.record("leaf \(index) of \(size): \(probe.name) verified")
            }
            // Any other index in the same tree fails: the path's sides name the leaf.
            let other = (index + 1 + random.below(size)) % size
            if other != index {
                #expect(throws: MerkleProofError.self) {
                    try MerkleVerifier.verifyInclusion(leafIndex: UInt64(other), treeSize: treeSize, leafHash: leafHash,
                                                       proof: proof, rootHash: root)
                }
            }
        }
    }

    @Test(arguments: 1...maxSize)
    func everyConsistencyProofVerifiesAndTamperingFails(newSize: Int) throws {
        let newRoot = try Self.tree.rootHash(treeSize: UInt64(newSize))
        var random = SplitMix64(seed: UInt64(newSize) << 32)
        let probed = Self.probed(newSize, &random, sample: 12)
        for oldSize in 0...newSize {
            let proof = try Self.tree.consistencyProof(from: UInt64(oldSize), to: UInt64(newSize))
            if newSize <= 48, oldSize > 0 {
                #expect(proof == ReferenceMerkle.subproof(oldSize, Self.leafHashes[0..<newSize], true))
            }
            let oldRoot = try Self.tree.rootHash(treeSize: UInt64(oldSize))
            try MerkleVerifier.verifyConsistency(oldSize: UInt64(oldSize), newSize: UInt64(newSize),
                                                 oldRoot: oldRoot, newRoot: newRoot, proof: proof)
            guard !proof.isEmpty, probed.contains(oldSize) else { continue }
            let probes = ConsistencyProbe.corruptions(oldSize: UInt64(oldSize), newSize: UInt64(newSize),
                                                      oldRoot: oldRoot, newRoot: newRoot, proof: proof,
                                                      bytePosition: { _ in random.below(MerkleHash.byteCount) })
            for probe in probes where probe.verifies {
                Issue.record("\(oldSize) to \(newSize): \(probe.name) verified")
            }
        }
    }

    @Test(arguments: largeSizes)
    func largeTreesProofsVerify(size: UInt64) throws {
        let root = try Self.largeTree.rootHash(treeSize: size)
        var frontier = MerkleFrontier()
        for i in 0..<Int(size) { frontier.append(entry: testEntry(i)) }
        #expect(frontier.rootHash == root)

        var random = SplitMix64(seed: size)
        for index in [0, size - 1] + (0..<16).map({ _ in UInt64(random.below(Int(size))) }) {
            let proof = try Self.largeTree.inclusionProof(leafIndex: index, treeSize: size)
            let leafHash = try Self.largeTree.hash(of: MerkleNodeID(level: 0, index: index))
            try MerkleVerifier.verifyInclusion(leafIndex: index, treeSize: size, leafHash: leafHash, proof: proof, rootHash: root)
            for probe in InclusionProbe.corruptions(leafIndex: index, treeSize: size, leafHash: leafHash, proof: proof,
                                                    rootHash: root, bytePosition: { _ in random.below(32) }) where probe.verifies {
                Issue.record("leaf \(index) of \(size): \(probe.name) verified")
            }
        }
        for oldSize in [1, size - 1, size / 2] + (0..<16).map({ _ in UInt64(1 + random.below(Int(size) - 1)) }) {
            let proof = try Self.largeTree.consistencyProof(from: oldSize, to: size)
            let oldRoot = try Self.largeTree.rootHash(treeSize: oldSize)
            try MerkleVerifier.verifyConsistency(oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: root, proof: proof)
            for probe in ConsistencyProbe.corruptions(oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: root,
                                                      proof: proof, bytePosition: { _ in random.below(32) }) where probe.verifies {
                Issue.record("\(oldSize) to \(size): \(probe.name) verified")
            }
        }
    }
}
