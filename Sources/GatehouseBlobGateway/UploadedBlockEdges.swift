import Foundation
import GatehouseBlob

/// The edges of blocks this gateway scanned and forwarded, so the block list that commits them
/// can be scanned across its seams (`BlockSeams`). Held in memory for as long as the service
/// keeps uncommitted blocks (seven days), bounded in count; the oldest go first. A block list
/// naming a block not found here is refused while uploads are scanned.
actor UploadedBlockEdges {
    struct Key: Hashable, Sendable {
        let connection: String
        let container: String
        let blob: String
        let blockID: String
    }

    static let lifetime: TimeInterval = 7 * 24 * 3600
    private let capacity: Int
    private var entries: [Key: (edges: BlockSeams.Edges, stored: Date)] = [:]
    private var order: [Key] = []
    private var orderStart = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    func store(_ edges: BlockSeams.Edges, for key: Key, now: Date = Date()) {
        if entries.updateValue((edges, now), forKey: key) == nil { order.append(key) }
        while entries.count > capacity, orderStart < order.count {
            entries[order[orderStart]] = nil
            orderStart += 1
        }
        // Drop the evicted prefix now and then, not on every insert.
        if orderStart > capacity {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }

    /// The edges of each key, in order; nil for blocks not (or no longer) known.
    func edges(for keys: [Key], now: Date = Date()) -> [BlockSeams.Edges?] {
        keys.map { key in
            guard let entry = entries[key], now.timeIntervalSince(entry.stored) < Self.lifetime else { return nil }
            return entry.edges
        }
    }
}
