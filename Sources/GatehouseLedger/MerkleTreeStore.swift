/// Where a log's Merkle nodes live: the seam between the pure tree logic here and the storage
/// layer (SQLite), which implements it.
///
/// Only perfect subtrees are stored: their hashes never change once the last of their leaves is
/// appended, and every root and proof of the log at any size is a fold of at most 2·log2(n) of
/// them. Appending leaf i completes one node per trailing one bit of i, so storing them costs one
/// interior hash per leaf on average (`MerkleFrontier.append` reports exactly these nodes).
/// Roots and proofs come from the extension in MerkleTreeStore+Proofs.swift.
public protocol MerkleTreeStore {
    /// The number of leaves the store holds.
    var leafCount: UInt64 { get throws }

    /// The hash of a complete perfect subtree: level 0 is a leaf hash. Called only for nodes
    /// whose leaves all lie below `leafCount`; throws `MerkleTreeError.missingNode` if absent.
    func hash(of node: MerkleNodeID) throws -> MerkleHash

    /// The hashes of several nodes, in the order asked. A root or proof asks for all it needs in
    /// one call (at most 2·log2(n) nodes), so a database can answer with a single query.
    /// Defaults to one `hash(of:)` per node.
    func hashes(of nodes: [MerkleNodeID]) throws -> [MerkleHash]
}

extension MerkleTreeStore {
    public func hashes(of nodes: [MerkleNodeID]) throws -> [MerkleHash] {
        try nodes.map { try hash(of: $0) }
    }
}
