import Foundation
import GRDB
import GatehouseLedger

/// The Merkle nodes of a ledger database as seen through one connection: level 0 from
/// `entries.leaf_hash`, higher levels from `nodes`. Used inside a read (or the integrity check)
/// so a root or proof is answered from one snapshot in a single query.
struct LedgerDatabaseTree: MerkleTreeStore {
    let db: Database
    let leafCount: UInt64

    func hash(of node: MerkleNodeID) throws -> MerkleHash {
        try hashes(of: [node])[0]
    }

    /// One statement for all the nodes asked (at most 2·log2(n), so far below SQLite's limit of
    /// bound parameters): each wanted node is joined to its row in `nodes` or `entries`.
    func hashes(of nodes: [MerkleNodeID]) throws -> [MerkleHash] {
        guard !nodes.isEmpty else { return [] }
        let wanted = Array(repeating: "(?, ?, ?)", count: nodes.count).joined(separator: ", ")
        let statement = try db.cachedStatement(sql: """
            WITH wanted(position, level, idx) AS (VALUES \(wanted))
            SELECT wanted.position, CASE WHEN wanted.level = 0 THEN entries.leaf_hash ELSE nodes.hash END
            FROM wanted
            LEFT JOIN nodes ON wanted.level > 0 AND nodes.level = wanted.level AND nodes.idx = wanted.idx
            LEFT JOIN entries ON wanted.level = 0 AND entries.idx = wanted.idx
            """)
        var arguments: [DatabaseValueConvertible] = []
        arguments.reserveCapacity(3 * nodes.count)
        for (position, node) in nodes.enumerated() {
            arguments.append(position)
            arguments.append(node.level)
            arguments.append(Int64(node.index))
        }
        var found = [MerkleHash?](repeating: nil, count: nodes.count)
        let rows = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
        while let row = try rows.next() {
            let position: Int = row[0]
            found[position] = try row.withUnsafeData(atIndex: 1) { data in data.flatMap { MerkleHash(bytes: $0) } }
        }
        return try zip(nodes, found).map { node, hash in
            // A missing row and a malformed hash are the same to a caller: the node is not there.
            guard let hash else { throw MerkleTreeError.missingNode(node) }
            return hash
        }
    }
}
