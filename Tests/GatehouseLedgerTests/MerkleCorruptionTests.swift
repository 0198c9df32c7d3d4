import Testing
@testable import GatehouseLedger

/// `hash` with one byte changed: byte `position` (mod 32) xor `mask` (never 0).
func tampered(_ hash: MerkleHash, at position: Int = 0, mask: UInt8 = 0x08) -> MerkleHash {
    var bytes = hash.bytes
    bytes[position % MerkleHash.byteCount] ^= mask == 0 ? 1 : mask
    return MerkleHash(bytes: bytes)!
}

/// A changed input to inclusion verification, which must then fail.
struct InclusionProbe {
    var name: String
    var leafIndex: UInt64, treeSize: UInt64, leafHash: MerkleHash, proof: [MerkleHash], rootHash: MerkleHash

    var verifies: Bool {
        (try? MerkleVerifier.verifyInclusion(leafIndex: leafIndex, treeSize: treeSize, leafHash: leafHash,
                                             proof: proof, rootHash: rootHash)) != nil
    }

    /// Every single-point change of a valid proof: another leaf index, a size that changes the
    /// tree's shape, another leaf or root, a byte changed in any proof hash, a hash added or removed.
    static func corruptions(leafIndex: UInt64, treeSize: UInt64, leafHash: MerkleHash, proof: [MerkleHash],
                            rootHash: MerkleHash, bytePosition: (Int) -> Int = { _ in 0 }) -> [InclusionProbe] {
        let valid = InclusionProbe(name: "valid", leafIndex: leafIndex, treeSize: treeSize, leafHash: leafHash,
                                   proof: proof, rootHash: rootHash)
        func change(_ name: String, _ edit: (inout InclusionProbe) -> Void) -> InclusionProbe {
            var probe = valid
            probe.name = name
            edit(&probe)
            return probe
        }
        var probes = [
            change("leaf index - 1") { $0.leafIndex = leafIndex &- 1 },
            change("leaf index + 1") { $0.leafIndex = leafIndex + 1 },
            change("leaf index ^ 2") { $0.leafIndex = leafIndex ^ 2 },
            change("tree size * 2") { $0.treeSize = treeSize * 2 },
            change("tree size / 2") { $0.treeSize = treeSize / 2 },
            change("wrong leaf") { $0.leafHash = tampered(leafHash, at: bytePosition(-1)) },
            change("empty tree root") { $0.rootHash = .emptyTree },
            change("wrong root") { $0.rootHash = tampered(rootHash, at: bytePosition(-2)) },
            change("trailing root") { $0.proof = proof + [rootHash] },
            change("preceding root") { $0.proof = [rootHash] + proof },
        ]
        for k in proof.indices {
            probes.append(change("proof[\(k)] byte changed") { $0.proof[k] = tampered(proof[k], at: bytePosition(k)) })
        }
        if !proof.isEmpty {
            probes.append(change("last hash removed") { $0.proof.removeLast() })
            probes.append(change("first hash removed") { $0.proof.removeFirst() })
        }
        return probes
    }
}

/// A changed input to consistency verification, which must then fail.
struct ConsistencyProbe {
    var name: String
    var oldSize: UInt64, newSize: UInt64, oldRoot: MerkleHash, newRoot: MerkleHash, proof: [MerkleHash]

    var verifies: Bool {
        (try? MerkleVerifier.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot,
                                               newRoot: newRoot, proof: proof)) != nil
    }

    /// Every single-point change of a valid, non-empty proof.
    static func corruptions(oldSize: UInt64, newSize: UInt64, oldRoot: MerkleHash, newRoot: MerkleHash,
                            proof: [MerkleHash], bytePosition: (Int) -> Int = { _ in 0 }) -> [ConsistencyProbe] {
        let valid = ConsistencyProbe(name: "valid", oldSize: oldSize, newSize: newSize, oldRoot: oldRoot,
                                     newRoot: newRoot, proof: proof)
        func change(_ name: String, _ edit: (inout ConsistencyProbe) -> Void) -> ConsistencyProbe {
            var probe = valid
            probe.name = name
            edit(&probe)
            return probe
        }
        var probes = [
            change("old size - 1") { $0.oldSize = oldSize - 1 },
            change("old size + 1") { $0.oldSize = oldSize + 1 },
            change("old size ^ 2") { $0.oldSize = oldSize ^ 2 },
            change("new size * 2") { $0.newSize = newSize * 2 },
            change("new size / 2") { $0.newSize = newSize / 2 },
            change("wrong old root") { $0.oldRoot = tampered(oldRoot, at: bytePosition(-1)) },
            change("wrong new root") { $0.newRoot = tampered(newRoot, at: bytePosition(-2)) },
            change("swapped roots") { ($0.oldRoot, $0.newRoot) = (newRoot, oldRoot) },
            change("empty proof") { $0.proof = [] },
            change("trailing old root") { $0.proof = proof + [oldRoot] },
            change("trailing new root") { $0.proof = proof + [newRoot] },
            change("preceding old root") { $0.proof = [oldRoot] + proof },
            change("preceding new root") { $0.proof = [newRoot] + proof },
            change("preceding proof[0]") { $0.proof = [proof[0]] + proof },
            change("last hash removed") { $0.proof.removeLast() },
        ]
        for k in proof.indices {
            probes.append(change("proof[\(k)] byte changed") { $0.proof[k] = tampered(proof[k], at: bytePosition(k)) })
        }
        return probes
    }
}

/// The verifiers' answers on degenerate inputs, where the RFC algorithms do not apply directly.
@Suite struct MerkleVerifierEdgeCaseTests {
    let someHash = MerkleHash.leafHash(Array("some".utf8))
    let otherHash = MerkleHash.leafHash(Array("other".utf8))

    @Test func singleLeafTreeRootIsTheLeafHash() throws {
        try MerkleVerifier.verifyInclusion(leafIndex: 0, treeSize: 1, leafHash: someHash, proof: [], rootHash: someHash)
        #expect(throws: MerkleProofError.rootMismatch) {
            try MerkleVerifier.verifyInclusion(leafIndex: 0, treeSize: 1, leafHash: someHash, proof: [], rootHash: otherHash)
        }
    }

    @Test(arguments: [(UInt64(0), UInt64(0)), (1, 0), (2, 1), (1, 1), (8, 8)])
    func leafIndexOutsideTheTree(leafIndex: UInt64, treeSize: UInt64) {
        #expect(throws: MerkleProofError.leafIndexOutOfRange(leafIndex: leafIndex, treeSize: treeSize)) {
            try MerkleVerifier.verifyInclusion(leafIndex: leafIndex, treeSize: treeSize, leafHash: someHash,
                                               proof: [], rootHash: someHash)
        }
    }

    @Test func proofTooLongOrTooShort() {
        #expect(throws: MerkleProofError.wrongProofLength) {
            try MerkleVerifier.verifyInclusion(leafIndex: 0, treeSize: 1, leafHash: someHash, proof: [otherHash], rootHash: someHash)
        }
        #expect(throws: MerkleProofError.wrongProofLength) {
            try MerkleVerifier.verifyInclusion(leafIndex: 0, treeSize: 2, leafHash: someHash, proof: [], rootHash: someHash)
        }
    }

    @Test func sizesThatAreAlwaysConsistent() throws {
        // The empty tree is a prefix of every tree; a tree is consistent with itself.
        try MerkleVerifier.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: .emptyTree, newRoot: .emptyTree, proof: [])
        try MerkleVerifier.verifyConsistency(oldSize: 0, newSize: 5, oldRoot: .emptyTree, newRoot: someHash, proof: [])
        try MerkleVerifier.verifyConsistency(oldSize: 3, newSize: 3, oldRoot: someHash, newRoot: someHash, proof: [])
    }

    @Test func equalSizesNeedEqualRootsAndNoProof() {
        #expect(throws: MerkleProofError.rootMismatch) {
            try MerkleVerifier.verifyConsistency(oldSize: 1, newSize: 1, oldRoot: someHash, newRoot: otherHash, proof: [])
        }
        #expect(throws: MerkleProofError.wrongProofLength) {
            try MerkleVerifier.verifyConsistency(oldSize: 1, newSize: 1, oldRoot: someHash, newRoot: someHash, proof: [someHash])
        }
        #expect(throws: MerkleProofError.wrongProofLength) {
            try MerkleVerifier.verifyConsistency(oldSize: 0, newSize: 1, oldRoot: someHash, newRoot: someHash, proof: [someHash])
        }
    }

    @Test func aTreeCannotShrink() {
        #expect(throws: MerkleProofError.sizesOutOfOrder(from: 2, to: 1)) {
            try MerkleVerifier.verifyConsistency(oldSize: 2, newSize: 1, oldRoot: someHash, newRoot: otherHash, proof: [])
        }
    }

    @Test func growthNeedsAProof() {
        #expect(throws: MerkleProofError.wrongProofLength) {
            try MerkleVerifier.verifyConsistency(oldSize: 1, newSize: 2, oldRoot: someHash, newRoot: otherHash, proof: [])
        }
    }
}

/// The probes are only meaningful if the unchanged inputs they start from verify.
@Suite struct MerkleProbeSanityTests {
    @Test func unchangedInputsVerify() throws {
        let tree = CTVectors.tree
        let root = try tree.rootHash(treeSize: 7), leafHash = try tree.hash(of: MerkleNodeID(level: 0, index: 3))
        let inclusion = InclusionProbe(name: "valid", leafIndex: 3, treeSize: 7, leafHash: leafHash,
                                       proof: try tree.inclusionProof(leafIndex: 3, treeSize: 7), rootHash: root)
        #expect(inclusion.verifies)
        let consistency = ConsistencyProbe(name: "valid", oldSize: 3, newSize: 7, oldRoot: try tree.rootHash(treeSize: 3),
                                           newRoot: root, proof: try tree.consistencyProof(from: 3, to: 7))
        #expect(consistency.verifies)
    }
}
