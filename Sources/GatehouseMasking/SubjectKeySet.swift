/// The distinct subjects a `SubjectHitCollector` has seen: an open-addressing table of 16-byte
/// slots. A large document names a million people, and a general `Set` costs two cache misses per
/// insert (its occupancy bitmap, then the element) and rehashes keys that are already a MAC's
/// random bits; here one slot holds the whole key and its bits pick the slot. Keys that are only
/// counted (`insertLater`) are inserted 64 at a time, so that their cache misses overlap.
struct SubjectKeySet: Sendable {
    /// The key's bits with the kind folded into the low word: the same digest under two kinds
    /// stays two subjects. An all-zero slot is empty; the one key that folds to zero is `hasZero`.
    private struct Slot: Equatable {
        var high: UInt64
        var low: UInt64
        var isEmpty: Bool { high == 0 && low == 0 }
    }

    /// Power-of-two count, at most three quarters full; empty until the first insert.
    private var slots: [Slot] = []
    private var hasZero = false
    /// Keys in `slots` (and the zero key).
    private var settled = 0
    /// Keys added by `insertLater` and not yet in `slots`.
    private var pending: [Slot] = []
    private static let batch = 64

    /// Distinct keys, pending ones included.
    var count: Int {
        var count = settled
        for (n, key) in pending.enumerated() where !contains(key) && !pending[..<n].contains(key) { count += 1 }
        return count
    }

    /// True when `key` was not in the set.
    mutating func insert(_ key: SubjectKey) -> Bool {
        settle()
        return insert(Self.slot(for: key))
    }

    /// Adds `key` without telling whether it is new: for keys that are only counted. In a table
    /// far larger than the cache, inserts one after another each wait for memory; a batch of
    /// independent ones lets the processor fetch their slots at once.
    mutating func insertLater(_ key: SubjectKey) {
        pending.append(Self.slot(for: key))
        if pending.count == Self.batch { settle() }
    }

    mutating func reserveCapacity(_ capacity: Int) {
        var size = max(slots.count, 16)
        while capacity * 4 > size * 3 { size *= 2 }
        if size > slots.count { rehash(into: size) }
    }

    /// Adds every key of `other`.
    mutating func formUnion(_ other: SubjectKeySet) {
        settle()
        reserveCapacity(settled + other.settled + other.pending.count)
        if other.hasZero { _ = insert(Slot(high: 0, low: 0)) }
        for slot in other.slots where !slot.isEmpty { _ = insert(slot) }
        for slot in other.pending { _ = insert(slot) }
    }

    private mutating func settle() {
        guard !pending.isEmpty else { return }
        reserveCapacity(settled + pending.count)
        for slot in pending { _ = insert(slot) }
        pending.removeAll(keepingCapacity: true)
    }

    private func contains(_ key: Slot) -> Bool {
        if key.isEmpty { return hasZero }
        guard !slots.isEmpty else { return false }
        return slots.withUnsafeBufferPointer { table in
            let mask = table.count - 1
            var index = Int(truncatingIfNeeded: key.high) & mask
            while !table[index].isEmpty {
                if table[index] == key { return true }
                index = (index + 1) & mask
            }
            return false
        }
    }

    private mutating func insert(_ key: Slot) -> Bool {
        if key.isEmpty {
            guard !hasZero else { return false }
            hasZero = true
            settled += 1
            return true
        }
        if (settled + 1) * 4 > slots.count * 3 { rehash(into: max(16, slots.count * 2)) }
        let inserted = slots.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            var index = Int(truncatingIfNeeded: key.high) & mask
            while !table[index].isEmpty {
                if table[index] == key { return false }
                index = (index + 1) & mask
            }
            table[index] = key
            return true
        }
        if inserted { settled += 1 }
        return inserted
    }

    private mutating func rehash(into size: Int) {
        let old = slots
        slots = Array(repeating: Slot(high: 0, low: 0), count: size)
        settled = hasZero ? 1 : 0
        for slot in old where !slot.isEmpty { _ = insert(slot) }
    }

    private static func slot(for key: SubjectKey) -> Slot {
        // The kind's case number (the enum's one-byte tag) in the low word's top byte. Two kinds
        // then differ in the slot for one digest; two different digests would need 64 equal bits
        // of a MAC to meet, as likely as the 128-bit truncation's own collisions.
        let tag = withUnsafeBytes(of: key.kind) { UInt64($0[0]) } &+ 1
        return Slot(high: key.high, low: key.low ^ (tag << 56))
    }
}
