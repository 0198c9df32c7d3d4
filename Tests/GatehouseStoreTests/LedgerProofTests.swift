import GatehouseLedger
import Testing

@testable import GatehouseStore

/// Roots and proofs computed from the SQLite store must be exactly the in-memory `MerkleTree`'s,
/// at every size the log has had, and must verify.
@Suite struct LedgerProofTests {
    let fixture = LedgerFixture()

    @Test func rootsAndProofsMatchTheInMemoryTreeAtEverySize() throws {
        let store = try fixture.open()
        defer { store.close() }
        var reference = MerkleTree()
        var entries: [[UInt8]] = []
        // Batches of 1, 2, 3... so batch boundaries fall everywhere relative to subtrees.
        var batch = 1
        while entries.count < 140 {
            let new = (entries.count..<(entries.count + batch)).map(LedgerFixture.entry)
            let appended = try store.append(new)
            for entry in new { reference.append(entry: entry) }
            entries += new
            #expect(appended.rootHash == reference.rootHash)
            batch = batch % 9 + 1
        }
        let size = UInt64(entries.count)
        for treeSize in 0...size {
            let root = try store.rootHash(treeSize: treeSize)
            #expect(root == (try reference.rootHash(treeSize: treeSize)), "root at \(treeSize)")
            for leaf in stride(from: UInt64(0), to: treeSize, by: 7) {
                let proof = try store.inclusionProof(leafIndex: leaf, treeSize: treeSize)
                #expect(proof == (try reference.inclusionProof(leafIndex: leaf, treeSize: treeSize)))
                try MerkleVerifier.verifyInclusion(leafIndex: leaf, treeSize: treeSize, leafHash: .leafHash(entries[Int(leaf)]),
                                                   proof: proof, rootHash: root)
            }
            for oldSize in stride(from: UInt64(0), through: treeSize, by: 5) {
                let proof = try store.consistencyProof(from: oldSize, to: treeSize)
                #expect(proof == (try reference.consistencyProof(from: oldSize, to: treeSize)))
                try MerkleVerifier.verifyConsistency(oldSize: oldSize, newSize: treeSize,
                                                     oldRoot: try reference.rootHash(treeSize: oldSize), newRoot: root, proof: proof)
            }
        }
    }

    @Test(arguments: [UInt64(1), 2, 255, 256, 257, 1000, 4097])
    func largerLogsAgreeWithTheReference(size: UInt64) throws {
        let store = try fixture.open()
        defer { store.close() }
        let entries = (0..<Int(size)).map(LedgerFixture.entry)
        for start in stride(from: 0, to: entries.count, by: 333) {
            try store.append(Array(entries[start..<min(start + 333, entries.count)]))
        }
        let reference = MerkleTree(entries: entries)
        #expect(try store.rootHash == reference.rootHash)
        for leaf in [0, size / 2, size - 1] {
            #expect(try store.inclusionProof(leafIndex: leaf, treeSize: size) == (try reference.inclusionProof(leafIndex: leaf, treeSize: size)))
        }
        #expect(try store.consistencyProof(from: size / 3, to: size) == (try reference.consistencyProof(from: size / 3, to: size)))
        // Every stored level-1+ node equals the reference's, and nothing else is stored.
        let expectedNodes = (1..<64).reduce(UInt64(0)) { $0 + (size >> UInt64($1)) }
        #expect(try store.withWriterConnection { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM nodes") } == Int(expectedNodes))
    }

    @Test func requestsBeyondTheLogAreRefused() throws {
        let store = try fixture.open()
        defer { store.close() }
        try store.append([[1], [2], [3]])
        #expect(throws: MerkleTreeError.treeSizeBeyondLog(requested: 4, logSize: 3)) { try store.rootHash(treeSize: 4) }
        #expect(throws: MerkleTreeError.missingNode(MerkleNodeID(level: 1, index: 1))) {
            try store.hash(of: MerkleNodeID(level: 1, index: 1))
        }
        #expect(try store.rootHash(treeSize: 0) == .emptyTree)
    }
}
