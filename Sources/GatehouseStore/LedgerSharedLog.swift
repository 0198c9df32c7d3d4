import Foundation

/// The ledger's durable log when several gateway instances share it (PostgreSQL, in
/// `GatehouseStorePostgres`; docs/deployment.md). It holds opaque records (one per group commit,
/// `LedgerJournalRecord`'s bytes, data keys left out) and the wrapped data keys beside them, so
/// that erasing a key never rewrites a record. Each instance's `SQLiteLedgerStore` is an index
/// of this log, brought up to date before each of its appends and reads.
public protocol LedgerSharedLog: AnyObject, Sendable {
    /// Appends the record, with its new data keys, if the log is exactly `record.firstIndex`
    /// entries long, and returns true once that is committed (durable). Returns false, having
    /// written nothing, when another instance appended first: the caller takes in what it
    /// appended and tries again. A new key ID already stored with other bytes (not erased) throws
    /// `LedgerStoreError.dataKeyExists`; the same bytes again are fine. If it throws otherwise,
    /// the caller cannot tell whether the commit landed: a later catch-up finds out, so the log
    /// may overstate what callers were told, never the reverse.
    func append(_ record: LedgerSharedRecord, newDataKeys: [LedgerNewDataKey]) throws -> Bool
    /// The number of entries in the log now.
    func size() throws -> UInt64
    /// Up to `limit` records from entry `index` on, in order (the first starts exactly at `index`).
    func records(from index: UInt64, limit: Int) throws -> [LedgerSharedRecord]
    /// The tree root after the record that ends at entry `size`; nil when no record ends there.
    func root(atSize size: UInt64) throws -> [UInt8]?

    /// The key, or nil when no key of that ID was ever stored.
    func dataKey(keyID: String) throws -> LedgerDataKey?
    /// Stores a key outside an append; `LedgerStoreError.dataKeyExists` if the ID is taken.
    func storeDataKey(_ key: LedgerNewDataKey) throws
    /// Stores a key as it is, erased or not (`gatehouse store copy`); the same key again is
    /// fine (a copy that continues), another under its ID is `LedgerStoreError.dataKeyExists`.
    func copyDataKey(_ key: LedgerDataKey) throws
    /// Destroys the key's bytes (the row stays, recording when and why); false when unknown.
    func eraseDataKey(keyID: String, at time: Date, because reason: String) throws -> Bool
    /// Keys still present created before `cutoff`, oldest first.
    func dataKeys(createdBefore cutoff: Date) throws -> [LedgerDataKey]

    /// Stores a signed checkpoint of the log (every instance signs with the same key); one of a
    /// size already stored is left as it is.
    func storeCheckpoint(_ checkpoint: LedgerStoredCheckpoint) throws
    /// The stored checkpoints of sizes above `treeSize`, by increasing size.
    func checkpoints(above treeSize: UInt64) throws -> [LedgerStoredCheckpoint]

    /// Takes the store-wide retention lock if no instance holds it (true), so that one instance
    /// at a time applies retention and the others find nothing left to do.
    func claimRetention() throws -> Bool
    /// Releases the retention lock (it is released anyway when the connection ends).
    func releaseRetention()

    /// Records the master key's fingerprint the first time; afterwards refuses another one:
    /// every instance must wrap data keys under the same master key, or their sealed fields
    /// could be read only where they were written.
    func claimMasterKey(fingerprint: [UInt8]) throws

    /// A short description for logs and errors (host and database; never a password).
    var description: String { get }
    func close()
}

/// One group commit in the shared log.
public struct LedgerSharedRecord: Sendable, Equatable {
    public var firstIndex: UInt64
    public var entryCount: Int
    /// `LedgerJournalRecord` bytes, without data keys.
    public var bytes: [UInt8]
    /// The Merkle tree's root hash once the record's entries are in (32 bytes): an instance
    /// catching up checks it, so every instance builds the same tree or stops.
    public var rootAfter: [UInt8]

    public init(firstIndex: UInt64, entryCount: Int, bytes: [UInt8], rootAfter: [UInt8]) {
        self.firstIndex = firstIndex
        self.entryCount = entryCount
        self.bytes = bytes
        self.rootAfter = rootAfter
    }

    public var endIndex: UInt64 { firstIndex + UInt64(entryCount) }
}
