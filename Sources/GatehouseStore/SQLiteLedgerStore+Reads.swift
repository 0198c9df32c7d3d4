import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger

/// Reads for auditors: entries by index or range, and which entries touched a subject. Every
/// answer is bounded by the committed tree size, so it agrees with the roots and proofs.
extension SQLiteLedgerStore {
    /// The entry at `index`, or nil when the log is not that long.
    public func entry(at index: UInt64) throws -> LedgerStoredEntry? {
        guard index < (try leafCount) else { return nil }
        let found = try readDatabase { db in try Self.fetchEntries(index..<(index + 1), in: db) }
        guard let entry = found.first else { throw LedgerStoreError.entryMissing(index: index) }
        return entry
    }

    /// The entries of `range` that the log holds (the range is clipped to the committed size),
    /// fetched lazily in batches of `batchSize`.
    public func entries(in range: Range<UInt64>, batchSize: Int = 1000) throws -> LedgerEntryCursor {
        let size = try leafCount
        let clipped = min(range.lowerBound, size)..<min(range.upperBound, size)
        return LedgerEntryCursor(range: clipped, batchSize: batchSize) { [self] batch in
            try readDatabase { db in try Self.fetchEntries(batch, in: db) }
        }
    }

    /// The entries that touched the subject with this digest, by increasing index.
    public func subjects(digest: String) throws -> [LedgerSubjectHit] {
        let size = try leafCount
        return try readDatabase { db in
            try Row.fetchAll(db, sql: "SELECT kind, idx FROM subjects WHERE digest = ? AND idx < ? ORDER BY idx",
                             arguments: [digest, Int64(size)])
                .map { row in
                    let index: Int64 = row[1]
                    return LedgerSubjectHit(kind: row[0], index: UInt64(index))
                }
        }
    }

    /// Every entry of kind `classification` (derived classification), by increasing index.
    public func derivedClassificationEntries() throws -> [LedgerStoredEntry] {
        let size = try leafCount
        return try readDatabase { db in
            let indexes = try Int64.fetchAll(db, sql: "SELECT idx FROM derived_classifications WHERE idx < ? ORDER BY idx",
                                             arguments: [Int64(size)])
            return try indexes.flatMap { try Self.fetchEntries(UInt64($0)..<UInt64($0 + 1), in: db) }
        }
    }

    /// The indexes of the session's entries, in order.
    public func entryIndexes(sessionID: String) throws -> [UInt64] {
        try indexes(where: "session_id = ?", [sessionID])
    }

    /// The indexes of the entries whose time is in `range` (inclusive start, exclusive end), in order.
    public func entryIndexes(timeRange range: Range<Date>) throws -> [UInt64] {
        guard let start = UTCTimestamp.string(from: range.lowerBound), let end = UTCTimestamp.string(from: range.upperBound) else {
            return []
        }
        return try indexes(where: "time >= ? AND time < ?", [start, end])
    }

    private func indexes(where condition: String, _ arguments: StatementArguments) throws -> [UInt64] {
        let size = try leafCount
        return try readDatabase { db in
            try Int64.fetchAll(db, sql: "SELECT idx FROM entries WHERE \(condition) AND idx < ? ORDER BY idx",
                               arguments: arguments + [Int64(size)]).map { UInt64($0) }
        }
    }

    private static func fetchEntries(_ range: Range<UInt64>, in db: Database) throws -> [LedgerStoredEntry] {
        let statement = try db.cachedStatement(sql: "SELECT idx, leaf_hash, entry FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx")
        let rows = try Row.fetchCursor(statement, arguments: [Int64(range.lowerBound), Int64(range.upperBound)])
        var entries: [LedgerStoredEntry] = []
        entries.reserveCapacity(range.count)
        while let row = try rows.next() {
            let index: Int64 = row[0]
            guard let leafHash = try row.withUnsafeData(atIndex: 1, { $0.flatMap { MerkleHash(bytes: $0) } }) else {
                throw LedgerStoreError.leafHashMismatch(index: UInt64(index))
            }
            let bytes = try row.withUnsafeData(atIndex: 2) { $0.map { [UInt8]($0) } ?? [] }
            entries.append(LedgerStoredEntry(index: UInt64(index), leafHash: leafHash, bytes: bytes))
        }
        return entries
    }
}
