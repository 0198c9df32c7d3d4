/// Entries of a range in index order, fetched `batchSize` at a time (each batch one short read),
/// so a million-entry log can be walked in constant memory without holding a read transaction
/// open for the whole walk.
public final class LedgerEntryCursor {
    private let fetch: (Range<UInt64>) throws -> [LedgerStoredEntry]
    private let batchSize: UInt64
    private var remaining: Range<UInt64>
    private var buffer: [LedgerStoredEntry] = []
    private var position = 0

    init(range: Range<UInt64>, batchSize: Int, fetch: @escaping (Range<UInt64>) throws -> [LedgerStoredEntry]) {
        self.remaining = range
        self.batchSize = UInt64(max(1, batchSize))
        self.fetch = fetch
    }

    /// The next entry, or nil after the last. Throws if an entry of the range is missing.
    public func next() throws -> LedgerStoredEntry? {
        if position == buffer.count {
            guard !remaining.isEmpty else { return nil }
            let batch = remaining.lowerBound..<min(remaining.upperBound, remaining.lowerBound + batchSize)
            buffer = try fetch(batch)
            position = 0
            for (offset, entry) in buffer.enumerated() where entry.index != batch.lowerBound + UInt64(offset) {
                throw LedgerStoreError.entryMissing(index: batch.lowerBound + UInt64(offset))
            }
            guard buffer.count == batch.count else {
                throw LedgerStoreError.entryMissing(index: batch.lowerBound + UInt64(buffer.count))
            }
            remaining = batch.upperBound..<remaining.upperBound
        }
        defer { position += 1 }
        return buffer[position]
    }

    /// Calls `body` with each remaining entry, in order.
    public func forEach(_ body: (LedgerStoredEntry) throws -> Void) throws {
        while let entry = try next() { try body(entry) }
    }
}
