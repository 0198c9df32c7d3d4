import Testing
@testable import GatehouseLedger

/// The RFC 6962 / Certificate Transparency test vectors, typed in as data from
/// github.com/transparency-dev/merkle (the Go library descended from google/certificate-transparency):
/// - leaves, roots for sizes 1-8, inclusion and consistency proofs: `proof/verify_test.go`
///   at commit 02194e9afb6c1d95b5381350007963aa70fff472 (`leaves`, `roots`, `inclusionProofs`,
///   `consistencyProofs`; its inclusion vectors number leaves from 1, converted to 0-based here);
/// - leaf and node hashes: `rfc6962/rfc6962_test.go` at commit 78493b07ef9b552e3379abf9e23d4da26fbe797c.
enum CTVectors {
    static let leaves: [[UInt8]] = [
        [],
        [0x00],
        [0x10],
        [0x20, 0x21],
        [0x30, 0x31],
        [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ]

    /// `roots[n - 1]` is the root of the tree of the first n leaves.
    static let roots: [String] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    struct Inclusion: Sendable, CustomTestStringConvertible {
        var leafIndex: UInt64
        var treeSize: UInt64
        var proof: [String]
        var testDescription: String { "leaf \(leafIndex) of \(treeSize)" }
    }

    static let inclusionProofs: [Inclusion] = [
        Inclusion(leafIndex: 0, treeSize: 1, proof: []),
        Inclusion(leafIndex: 0, treeSize: 8, proof: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        Inclusion(leafIndex: 5, treeSize: 8, proof: [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        Inclusion(leafIndex: 2, treeSize: 3, proof: [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        ]),
        Inclusion(leafIndex: 1, treeSize: 5, proof: [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
    ]

    struct Consistency: Sendable, CustomTestStringConvertible {
        var oldSize: UInt64
        var newSize: UInt64
        var proof: [String]
        var testDescription: String { "\(oldSize) to \(newSize)" }
    }

    static let consistencyProofs: [Consistency] = [
        Consistency(oldSize: 1, newSize: 1, proof: []),
        Consistency(oldSize: 1, newSize: 8, proof: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        Consistency(oldSize: 6, newSize: 8, proof: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        Consistency(oldSize: 2, newSize: 5, proof: [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
        Consistency(oldSize: 6, newSize: 7, proof: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
    ]

    /// From rfc6962_test.go: SHA-256 of "", of 0x00 ("empty leaf"), of 0x00 || "L123456",
    /// and of 0x01 || "N123" || "N456" (a node over two 4-byte "hashes").
    static let emptyTreeHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let emptyLeafHash = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    static let leafL123456Hash = "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    static let nodeN123N456Hash = "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"

    static func hash(_ hex: String) -> MerkleHash { MerkleHash(hex: hex)! }
    static func root(_ size: UInt64) -> MerkleHash { hash(roots[Int(size) - 1]) }
    static let tree = MerkleTree(entries: leaves)
}

@Suite struct MerkleTestVectorTests {
    @Test func hashesOfTheRFC6962Hasher() {
        #expect(MerkleHash.emptyTree.hex == CTVectors.emptyTreeHash)
        #expect(MerkleHash.leafHash([UInt8]()).hex == CTVectors.emptyLeafHash)
        #expect(MerkleHash.leafHash(Array("L123456".utf8)).hex == CTVectors.leafL123456Hash)
    }

    /// The node vector hashes 4-byte children, which `MerkleHash` cannot hold; the same bytes
    /// hashed as a leaf whose first byte is 0x01 prove the interior prefix and order, given that
    /// `interiorHash` matches the roots below.
    @Test func interiorPrefixAndOrder() {
        let a = MerkleHash.leafHash(Array("Hello".utf8)), b = MerkleHash.leafHash(Array("World".utf8))
        #expect(MerkleHash.interiorHash(a, b) != MerkleHash.interiorHash(b, a))
        #expect(MerkleHash.interiorHash(a, b) != MerkleHash.leafHash(a.bytes + b.bytes))
        #expect(CTVectors.root(2) == MerkleHash.interiorHash(.leafHash(CTVectors.leaves[0]), .leafHash(CTVectors.leaves[1])))
    }

    @Test(arguments: 1...8)
    func rootOfEachSize(size: Int) throws {
        let expected = CTVectors.root(UInt64(size))
        #expect(MerkleTree(entries: CTVectors.leaves.prefix(size)).rootHash == expected)
        #expect(try CTVectors.tree.rootHash(treeSize: UInt64(size)) == expected)
        var frontier = MerkleFrontier()
        for leaf in CTVectors.leaves.prefix(size) { frontier.append(entry: leaf) }
        #expect(frontier.rootHash == expected)
    }

    @Test func rootOfTheEmptyTree() throws {
        #expect(try CTVectors.tree.rootHash(treeSize: 0) == .emptyTree)
        #expect(MerkleFrontier().rootHash == .emptyTree)
        #expect(MerkleTree().rootHash == .emptyTree)
    }

    @Test(arguments: CTVectors.inclusionProofs)
    func inclusionProof(vector: CTVectors.Inclusion) throws {
        let expected = vector.proof.map(CTVectors.hash)
        #expect(try CTVectors.tree.inclusionProof(leafIndex: vector.leafIndex, treeSize: vector.treeSize) == expected)
        let leafHash = MerkleHash.leafHash(CTVectors.leaves[Int(vector.leafIndex)])
        let root = CTVectors.root(vector.treeSize)
        try MerkleVerifier.verifyInclusion(leafIndex: vector.leafIndex, treeSize: vector.treeSize, leafHash: leafHash,
                                           proof: expected, rootHash: root)
        for probe in InclusionProbe.corruptions(leafIndex: vector.leafIndex, treeSize: vector.treeSize,
                                                leafHash: leafHash, proof: expected, rootHash: root) {
            #expect(!probe.verifies, "\(probe.name) verified")
        }
    }

    @Test(arguments: CTVectors.consistencyProofs)
    func consistencyProof(vector: CTVectors.Consistency) throws {
        let expected = vector.proof.map(CTVectors.hash)
        #expect(try CTVectors.tree.consistencyProof(from: vector.oldSize, to: vector.newSize) == expected)
        let oldRoot = CTVectors.root(vector.oldSize), newRoot = CTVectors.root(vector.newSize)
        try MerkleVerifier.verifyConsistency(oldSize: vector.oldSize, newSize: vector.newSize,
                                             oldRoot: oldRoot, newRoot: newRoot, proof: expected)
        guard !expected.isEmpty else { return }
        for probe in ConsistencyProbe.corruptions(oldSize: vector.oldSize, newSize: vector.newSize,
                                                  oldRoot: oldRoot, newRoot: newRoot, proof: expected) {
            #expect(!probe.verifies, "\(probe.name) verified")
        }
    }
}
