import Testing
@testable import GatehouseLedger

/// A store over a full tree that counts how it is asked, and can lose nodes.
final class CountingStore: MerkleTreeStore, @unchecked Sendable {
    let tree: MerkleTree
    var missing: Set<MerkleNodeID> = []
    var batches = 0
    var nodesAsked = 0

    init(_ tree: MerkleTree) { self.tree = tree }

    var leafCount: UInt64 { tree.leafCount }

    func hash(of node: MerkleNodeID) throws -> MerkleHash {
        nodesAsked += 1
        guard !missing.contains(node) else { throw MerkleTreeError.missingNode(node) }
        return try tree.hash(of: node)
    }

    func hashes(of nodes: [MerkleNodeID]) throws -> [MerkleHash] {
        batches += 1
        return try nodes.map { try hash(of: $0) }
    }
}

@Suite struct MerkleTreeStoreTests {
    /// Roots and proofs at ~100k leaves cost one batch of at most 2·log2(n) stored nodes.
    @Test(arguments: [UInt64(1), 2, 3, 1024, 65_537, 99_999, 100_003])
    func rootsAndProofsNeedOneSmallBatch(size: UInt64) throws {
        let store = CountingStore(MerklePropertyTests.largeTree)
        let bound = 2 * (64 - size.leadingZeroBitCount)
        _ = try store.rootHash(treeSize: size)
        #expect(store.batches == 1 && store.nodesAsked <= bound)
        for (index, oldSize) in [(UInt64(0), UInt64(1)), (size / 3, size / 2), (size - 1, size - 1)] {
            store.batches = 0; store.nodesAsked = 0
            _ = try store.inclusionProof(leafIndex: index, treeSize: size)
            #expect(store.batches == 1 && store.nodesAsked <= bound, "inclusion of \(index) in \(size)")
            store.batches = 0; store.nodesAsked = 0
            _ = try store.consistencyProof(from: oldSize, to: size)
            #expect(store.batches == 1 && store.nodesAsked <= bound, "consistency \(oldSize) to \(size)")
        }
    }

    @Test func requestsOutsideTheLogAreRefused() {
        let tree = CTVectors.tree
        #expect(throws: MerkleTreeError.treeSizeBeyondLog(requested: 9, logSize: 8)) { try tree.rootHash(treeSize: 9) }
        #expect(throws: MerkleTreeError.treeSizeBeyondLog(requested: 9, logSize: 8)) {
            try tree.inclusionProof(leafIndex: 0, treeSize: 9)
        }
        #expect(throws: MerkleTreeError.leafIndexOutOfRange(leafIndex: 5, treeSize: 5)) {
            try tree.inclusionProof(leafIndex: 5, treeSize: 5)
        }
        #expect(throws: MerkleTreeError.sizesOutOfOrder(from: 6, to: 5)) { try tree.consistencyProof(from: 6, to: 5) }
        #expect(throws: MerkleTreeError.treeSizeBeyondLog(requested: 9, logSize: 8)) { try tree.consistencyProof(from: 1, to: 9) }
        #expect(throws: MerkleTreeError.missingNode(MerkleNodeID(level: 3, index: 1))) {
            try tree.hash(of: MerkleNodeID(level: 3, index: 1))
        }
    }

    @Test func aLostNodeIsReportedNotGuessed() {
        let store = CountingStore(CTVectors.tree)
        store.missing = [MerkleNodeID(level: 2, index: 0)]
        #expect(throws: MerkleTreeError.missingNode(MerkleNodeID(level: 2, index: 0))) { try store.rootHash(treeSize: 7) }
        #expect(throws: MerkleTreeError.missingNode(MerkleNodeID(level: 2, index: 0))) {
            try store.inclusionProof(leafIndex: 6, treeSize: 7)
        }
    }

    @Test func emptyProofsForTrivialConsistency() throws {
        #expect(try CTVectors.tree.consistencyProof(from: 0, to: 8) == [])
        #expect(try CTVectors.tree.consistencyProof(from: 8, to: 8) == [])
        #expect(try CTVectors.tree.inclusionProof(leafIndex: 0, treeSize: 1) == [])
    }
}
