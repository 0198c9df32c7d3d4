/// A least-recently-used cache bounded by entry count and by total cost (e.g. bytes).
/// Not thread-safe: the owner serialises access.
struct LRUCache<Key: Hashable, Value> {
    private struct Slot {
        var key: Key
        // Cleared when the slot is freed, so an evicted value is not kept alive.
        var value: Value?
        var cost: Int
        var newer: Int?
        var older: Int?
    }

    let capacity: Int
    let costLimit: Int
    private var slots: [Slot] = []
    private var freeSlots: [Int] = []
    private var index: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?
    private(set) var totalCost = 0

    init(capacity: Int, costLimit: Int) {
        self.capacity = max(0, capacity)
        self.costLimit = max(0, costLimit)
    }

    var count: Int { index.count }

    /// The cached value, which becomes the most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        unlink(slot)
        linkAsNewest(slot)
        return slots[slot].value
    }

    /// Stores a value, evicting the least recently used entries to stay within both limits.
    /// A value costing more than the whole limit is not stored.
    mutating func insert(_ value: Value, for key: Key, cost: Int) {
        if let existing = index[key] { remove(existing) }
        guard capacity > 0, cost <= costLimit else { return }
        while count >= capacity || totalCost + cost > costLimit, let victim = oldest {
            remove(victim)
        }
        let slot = Slot(key: key, value: value, cost: cost, newer: nil, older: nil)
        let position: Int
        if let free = freeSlots.popLast() {
            slots[free] = slot
            position = free
        } else {
            slots.append(slot)
            position = slots.count - 1
        }
        index[key] = position
        totalCost += cost
        linkAsNewest(position)
    }

    private mutating func remove(_ slot: Int) {
        unlink(slot)
        index[slots[slot].key] = nil
        slots[slot].value = nil
        totalCost -= slots[slot].cost
        freeSlots.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let newer = slots[slot].newer
        let older = slots[slot].older
        if let newer { slots[newer].older = older } else { newest = older }
        if let older { slots[older].newer = newer } else { oldest = newer }
        slots[slot].newer = nil
        slots[slot].older = nil
    }

    private mutating func linkAsNewest(_ slot: Int) {
        slots[slot].older = newest
        slots[slot].newer = nil
        if let newest { slots[newest].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }
}
