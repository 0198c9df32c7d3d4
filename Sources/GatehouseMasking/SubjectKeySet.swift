/// The distinct subjects a `SubjectHitCollector` has seen: an open-addressing table of 16-byte
/// slots. A large document names a million people, and a general `Set` costs two cache misses per
/// insert (its occupancy bitmap, then the element) and rehashes keys that are already a MAC's
/// random bits; here one slot holds the whole key and its bits pick the slot.
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
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// True when `key` was not in the set.
    mutating func insert(_ key: SubjectKey) -> Bool {
        insert(Self.slot(for: key))
    }

    mutating func reserveCapacity(_ capacity: Int) {
        var size = max(slots.count, 16)
        while capacity * 4 > size * 3 { size *= 2 }
        if size > slots.count { rehash(into: size) }
    }

    /// Adds every key of `other`.
    mutating func formUnion(_ other: SubjectKeySet) {
        reserveCapacity(count + other.count)
        if other.hasZero { _ = insert(Slot(high: 0, low: 0)) }
        for slot in other.slots where !slot.isEmpty { _ = insert(slot) }
    }

    private mutating func insert(_ key: Slot) -> Bool {
        if key.isEmpty {
            guard !hasZero else { return false }
            hasZero = true
            count += 1
            return true
        }
        if (count + 1) * 4 > slots.count * 3 { rehash(into: max(16, slots.count * 2)) }
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
        if inserted { count += 1 }
        return inserted
    }

    private mutating func rehash(into size: Int) {
        let old = slots
        slots = Array(repeating: Slot(high: 0, low: 0), count: size)
        count = hasZero ? 1 : 0
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
