import GatehouseMasking

/// Masked blobs by connection, container, name and ETag, so the ranged chunks of one download
/// (sequential or parallel) are all cut from one masking of the same upstream version. Requests
/// for a blob being masked wait for that work instead of repeating it. Bounded in bytes; the
/// least recently used go first.
actor MaskedBlobCache {
    struct Key: Hashable, Sendable {
        let connection: String
        let container: String
        let blob: String
        let etag: String
    }

    struct Entry: Sendable {
        let bytes: [UInt8]
        /// The first `SubjectReference.limitPerEvent` people the bytes name...
        let hits: [SubjectHit]
        /// ...of this many.
        let distinctSubjects: Int
        let upstreamBytes: Int
    }

    private let capacityBytes: Int
    private var entries: [Key: Entry] = [:]
    private var order: [Key] = []
    private var inFlight: [Key: Task<Entry, Error>] = [:]
    private var storedBytes = 0

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// The cached entry, or the result of `make` (run once however many ask at the same time).
    func entry(for key: Key, make: @escaping @Sendable () async throws -> Entry) async throws -> Entry {
        if let entry = entries[key] {
            order.removeAll { $0 == key }
            order.append(key)
            return entry
        }
        if let running = inFlight[key] { return try await running.value }
        let task = Task { try await make() }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let entry = try await task.value
        store(entry, for: key)
        return entry
    }

    private func store(_ entry: Entry, for key: Key) {
        guard entry.bytes.count <= capacityBytes, entries[key] == nil else { return }
        entries[key] = entry
        order.append(key)
        storedBytes += entry.bytes.count
        while storedBytes > capacityBytes, let oldest = order.first {
            order.removeFirst()
            storedBytes -= entries.removeValue(forKey: oldest)?.bytes.count ?? 0
        }
    }
}
