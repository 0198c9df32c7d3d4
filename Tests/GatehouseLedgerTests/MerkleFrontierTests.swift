import Testing
@testable import GatehouseLedger

@Suite struct MerkleFrontierTests {
    @Test func streamingRootEqualsFullTreeRootAtEverySize() throws {
        let tree = MerklePropertyTests.tree
        var frontier = MerkleFrontier()
        #expect(frontier.rootHash == .emptyTree)
        for i in 0..<MerklePropertyTests.maxSize {
            frontier.append(entry: testEntry(i))
            #expect(frontier.leafCount == UInt64(i + 1))
            #expect(frontier.subtrees.count == (i + 1).nonzeroBitCount)
            #expect(frontier.rootHash == (try tree.rootHash(treeSize: UInt64(i + 1))), "size \(i + 1)")
        }
    }

    /// The nodes an append reports are exactly those a store must hold: each once, leaf first,
    /// with the full tree's hashes, and one interior node per leaf on average.
    @Test func appendReportsEveryCompletedNodeOnce() throws {
        let tree = MerklePropertyTests.tree
        var frontier = MerkleFrontier()
        var reported: [MerkleNodeID: MerkleHash] = [:]
        for (i, leafHash) in MerklePropertyTests.leafHashes.enumerated() {
            var levels: [Int] = []
            frontier.append(leafHash: leafHash) { node, hash in
                #expect(reported.updateValue(hash, forKey: node) == nil, "\(node) reported twice")
                #expect(node.leaves.upperBound == UInt64(i + 1), "\(node) does not end at the new leaf")
                levels.append(node.level)
            }
            #expect(levels == Array(0...(i + 1).trailingZeroBitCount))
        }
        for (node, hash) in reported { #expect(try tree.hash(of: node) == hash) }
        let size = MerklePropertyTests.maxSize
        #expect(reported.count == 2 * size - size.nonzeroBitCount)
    }

    @Test(arguments: [0, 1, 2, 7, 8, 13, 64, 255, 300])
    func restoredFromAStoreContinuesTheSameLog(size: Int) throws {
        let tree = MerklePropertyTests.tree
        var frontier = try MerkleFrontier(store: tree, treeSize: UInt64(size))
        #expect(frontier.leafCount == UInt64(size))
        #expect(frontier.subtreeNodes == TreeSizeMath.perfectSubtrees(size: UInt64(size)))
        #expect(frontier.rootHash == (try tree.rootHash(treeSize: UInt64(size))))
        let copy = try MerkleFrontier(leafCount: frontier.leafCount, subtrees: frontier.subtrees)
        #expect(copy == frontier)
        for i in size..<min(size + 40, MerklePropertyTests.maxSize) {
            frontier.append(leafHash: MerklePropertyTests.leafHashes[i])
            #expect(frontier.rootHash == (try tree.rootHash(treeSize: UInt64(i + 1))))
        }
    }

    @Test func restoringChecksItsParts() {
        #expect(throws: MerkleTreeError.frontierMismatch(size: 3, subtreeCount: 1)) {
            try MerkleFrontier(leafCount: 3, subtrees: [.emptyTree])
        }
        #expect(throws: MerkleTreeError.treeSizeBeyondLog(requested: 301, logSize: 300)) {
            try MerkleFrontier(store: MerklePropertyTests.tree, treeSize: 301)
        }
    }
}
