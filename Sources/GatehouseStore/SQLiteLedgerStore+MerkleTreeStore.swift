import GRDB
import GatehouseLedger

/// Roots and proofs from disk: `rootHash(treeSize:)`, `inclusionProof` and `consistencyProof`
/// (MerkleTreeStore+Proofs.swift) each cost one query of at most 2·log2(n) nodes.
extension SQLiteLedgerStore: MerkleTreeStore {
    /// The committed tree size (entries whose transaction has committed).
    public var leafCount: UInt64 {
        get throws {
            try catchUpWithSharedLog()
            return try tree.committed().leafCount
        }
    }

    /// The committed tree's root, from memory.
    public var rootHash: MerkleHash {
        get throws { try tree.committed().rootHash }
    }

    public func hash(of node: MerkleNodeID) throws -> MerkleHash {
        try hashes(of: [node])[0]
    }

    /// All the nodes in one query on one snapshot.
    public func hashes(of nodes: [MerkleNodeID]) throws -> [MerkleHash] {
        let size = try leafCount
        for node in nodes where node.leaves.upperBound > size { throw MerkleTreeError.missingNode(node) }
        return try readDatabase { db in try LedgerDatabaseTree(db: db, leafCount: size).hashes(of: nodes) }
    }

    /// A read that reports SQLite failures as `LedgerStoreError` (Merkle and ledger errors pass).
    /// Waits first until SQLite holds every entry appended before the call (`LedgerIndexApplier`).
    func readDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        // The local size: callers bounded their question by `leafCount`, which caught up already.
        try index.waitUntilApplied(tree.committed().leafCount)
        do {
            return try database.read(body)
        } catch let error as DatabaseError {
            throw LedgerStoreError.database(StoreFailure.describe(error))
        }
    }
}
