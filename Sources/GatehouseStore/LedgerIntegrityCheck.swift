import Foundation
import GRDB
import GatehouseLedger

/// Proves, before a ledger is used, that its stored tree is the tree of its entries: every entry
/// is re-hashed, every node it completes is rebuilt and compared with the stored one, and no
/// other node may exist. Streams both tables in index order (one cursor per level), so memory
/// stays O(log n) whatever the size of the log. Returns the frontier of the verified log.
enum LedgerIntegrityCheck {
    static func verify(_ db: Database) throws -> MerkleFrontier {
        var frontier = MerkleFrontier()
        var levels = NodeLevelCursors(db: db)
        let entries = try Row.fetchCursor(db, sql: "SELECT idx, leaf_hash, entry FROM entries ORDER BY idx")
        while let row = try entries.next() {
            let index = frontier.leafCount
            let storedIndex: Int64 = row[0]
            guard storedIndex == Int64(index) else { throw LedgerStoreError.entryMissing(index: index) }
            let stored = try row.withUnsafeData(atIndex: 1) { data in data.flatMap { MerkleHash(bytes: $0) } }
            let computed = try row.withUnsafeData(atIndex: 2) { data in
                (data ?? Data()).withUnsafeBytes { MerkleHash.leafHash($0) }
            }
            guard stored == computed else { throw LedgerStoreError.leafHashMismatch(index: index) }
            try frontier.append(leafHash: computed) { node, hash in
                if node.level > 0 { try levels.expect(node, hash: hash) }
            }
        }
        try levels.expectNoMore(leafCount: frontier.leafCount)

        // What a reopened store resumes from must be what the entries give (it is, when every
        // node matched; checked anyway, as it is what appends will build on).
        let restored = try MerkleFrontier(store: LedgerDatabaseTree(db: db, leafCount: frontier.leafCount),
                                          treeSize: frontier.leafCount)
        guard restored == frontier else { throw LedgerStoreError.frontierMismatch(treeSize: frontier.leafCount) }

        if let latest = try Int64.fetchOne(db, sql: "SELECT MAX(tree_size) FROM checkpoints"), latest > Int64(frontier.leafCount) {
            throw LedgerStoreError.checkpointBeyondLog(treeSize: UInt64(latest), logSize: frontier.leafCount)
        }
        return frontier
    }
}

/// The stored nodes of each level, read in index order alongside the entries: nodes of one
/// level are completed in index order, so each cursor only ever moves forward.
private struct NodeLevelCursors {
    let db: Database
    /// `cursors[l - 1]` reads level l.
    var cursors: [RowCursor] = []

    init(db: Database) { self.db = db }

    /// A node that does not match names the first entry it covers: the entries are each
    /// self-consistent (their leaf hashes were checked), so one of `node.leaves` was changed,
    /// moved or replaced, and the tree cannot say which; the lowest is where the log may first
    /// differ from what was committed.
    mutating func expect(_ node: MerkleNodeID, hash: MerkleHash) throws {
        let index = node.leaves.lowerBound
        while cursors.count < node.level {
            // Not the statement cache: each level needs a statement of its own, all open at once.
            let statement = try db.makeStatement(sql: "SELECT idx, hash FROM nodes WHERE level = ? ORDER BY idx")
            cursors.append(try Row.fetchCursor(statement, arguments: [cursors.count + 1]))
        }
        guard let row = try cursors[node.level - 1].next() else {
            throw LedgerStoreError.nodeMissing(node: node, index: index)
        }
        let storedIndex: Int64 = row[0]
        guard storedIndex >= 0 else { throw LedgerStoreError.invalidNodeRow(level: Int64(node.level), index: storedIndex) }
        guard UInt64(storedIndex) == node.index else {
            // The cursor only passed nodes that matched, so a lower index is one no entry completes.
            throw UInt64(storedIndex) > node.index
                ? LedgerStoreError.nodeMissing(node: node, index: index)
                : LedgerStoreError.unexpectedNode(MerkleNodeID(level: node.level, index: UInt64(storedIndex)))
        }
        let stored = try row.withUnsafeData(atIndex: 1) { data in data.flatMap { MerkleHash(bytes: $0) } }
        guard stored == hash else { throw LedgerStoreError.nodeMismatch(node: node, index: index) }
    }

    /// After the last entry: any node left unread, or on a level no entry reached, is extra.
    mutating func expectNoMore(leafCount: UInt64) throws {
        for (offset, cursor) in cursors.enumerated() {
            if let row = try cursor.next() {
                throw Self.unexpected(level: Int64(offset + 1), index: row[0])
            }
        }
        let stray = try Row.fetchOne(db, sql: "SELECT level, idx FROM nodes WHERE level < 1 OR level > ? ORDER BY level, idx LIMIT 1",
                                     arguments: [cursors.count])
        if let stray { throw Self.unexpected(level: stray[0], index: stray[1]) }
    }

    private static func unexpected(level: Int64, index: Int64) -> LedgerStoreError {
        guard (0..<64).contains(level), index >= 0 else { return .invalidNodeRow(level: level, index: index) }
        return .unexpectedNode(MerkleNodeID(level: Int(level), index: UInt64(index)))
    }
}
