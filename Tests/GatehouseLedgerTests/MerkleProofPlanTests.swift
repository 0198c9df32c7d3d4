import Testing
@testable import GatehouseLedger

/// Which subtrees proofs consist of, on the RFC 9162 2.1.5 example tree of 7 leaves
/// (a..g leaves d0..d6; g=[0,2) h=[2,4) i=[4,6) k=[0,4) l=[4,7)), and size arithmetic.
@Suite struct MerkleProofPlanTests {
    func ranges(_ pairs: [(UInt64, UInt64)]) -> [MerkleLeafRange] {
        pairs.map { MerkleLeafRange(start: $0.0, count: $0.1) }
    }

    @Test func inclusionPaths() {
        #expect(MerkleProofPlan.inclusion(leafIndex: 0, treeSize: 7) == ranges([(1, 1), (2, 2), (4, 3)]))   // b h l
        #expect(MerkleProofPlan.inclusion(leafIndex: 3, treeSize: 4) == ranges([(2, 1), (0, 2)]))           // c g
        #expect(MerkleProofPlan.inclusion(leafIndex: 4, treeSize: 6) == ranges([(5, 1), (0, 4)]))           // f k
        #expect(MerkleProofPlan.inclusion(leafIndex: 6, treeSize: 7) == ranges([(4, 2), (0, 4)]))           // i k
        #expect(MerkleProofPlan.inclusion(leafIndex: 0, treeSize: 1) == [])
    }

    @Test func consistencyProofs() {
        #expect(MerkleProofPlan.consistency(from: 3, to: 7) == ranges([(2, 1), (3, 1), (0, 2), (4, 3)]))  // c d g l
        #expect(MerkleProofPlan.consistency(from: 4, to: 7) == ranges([(4, 3)]))                          // l
        #expect(MerkleProofPlan.consistency(from: 5, to: 7) == ranges([(4, 1), (5, 1), (6, 1), (0, 4)]))  // e f j k
        #expect(MerkleProofPlan.consistency(from: 6, to: 7) == ranges([(4, 2), (6, 1), (0, 4)]))          // i j k
        #expect(MerkleProofPlan.consistency(from: 7, to: 8) == ranges([(6, 1), (7, 1), (4, 2), (0, 4)]))  // j d7 i k
        #expect(MerkleProofPlan.consistency(from: 1, to: 2) == ranges([(1, 1)]))
        #expect(MerkleProofPlan.consistency(from: 0, to: 5) == [])
        #expect(MerkleProofPlan.consistency(from: 5, to: 5) == [])
    }

    @Test func splitIsTheLargestPowerOfTwoBelow() {
        #expect([2, 3, 4, 5, 8, 9, 1_000_000].map { TreeSizeMath.split(UInt64($0)) } == [1, 2, 2, 4, 4, 8, 524_288])
        #expect(TreeSizeMath.split(UInt64.max) == 1 << 63)
        #expect([0, 1, 2, 3, 4, 6, 1024].map { TreeSizeMath.isPerfect(UInt64($0)) } == [false, true, true, false, true, false, true])
    }

    @Test func perfectSubtreesOfATree() {
        #expect(TreeSizeMath.perfectSubtrees(size: 13) == [
            MerkleNodeID(level: 3, index: 0), MerkleNodeID(level: 2, index: 2), MerkleNodeID(level: 0, index: 12),
        ])
        #expect(TreeSizeMath.perfectSubtrees(start: 8, size: 3) == [MerkleNodeID(level: 1, index: 4), MerkleNodeID(level: 0, index: 10)])
        #expect(TreeSizeMath.perfectSubtrees(size: 0) == [])
        #expect(MerkleNodeID(level: 2, index: 3).leaves == 12..<16)
    }
}
