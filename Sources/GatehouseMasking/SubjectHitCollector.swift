/// Subject hits across many values (a row, a message, a response), each kept once, in order of
/// first appearance. Allocates nothing until the first hit, and no set while there are few (a
/// row holds a handful; a linear scan beats hashing 64-character digests). Beyond that, hits are
/// told apart by the first 128 bits of their digest (a keyed HMAC: uniformly spread, so two
/// subjects sharing them is as likely as guessing a 128-bit key), held as two integers: a
/// masked export naming a million people is then not a million string hashes and retains.
public struct SubjectHitCollector: Sendable {
    public private(set) var hits: [SubjectHit] = []
    private var seen: Set<Key> = []
    /// Hits whose digest is not hex (never from the engine; kept correct all the same).
    private var seenOther: Set<SubjectHit> = []
    private static let linearLimit = 16

    private struct Key: Hashable {
        let kind: IdentifierKind
        let high: UInt64
        let low: UInt64

        init?(_ hit: SubjectHit) {
            var high: UInt64 = 0, low: UInt64 = 0, count = 0
            for byte in hit.digest.utf8.prefix(32) {
                let nibble: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
                default: return nil
                }
                if count < 16 { high = high << 4 | UInt64(nibble) } else { low = low << 4 | UInt64(nibble) }
                count += 1
            }
            guard count == 32 else { return nil }
            kind = hit.kind
            self.high = high
            self.low = low
        }
    }

    public init() {}

    public mutating func add(_ hit: SubjectHit) {
        if hits.count < Self.linearLimit {
            guard !hits.contains(hit) else { return }
            hits.append(hit)
            if hits.count == Self.linearLimit { for earlier in hits { _ = remember(earlier) } }
        } else if remember(hit) {
            hits.append(hit)
        }
    }

    public mutating func add(_ more: [SubjectHit]) {
        for hit in more { add(hit) }
    }

    /// True when the hit was not seen before.
    private mutating func remember(_ hit: SubjectHit) -> Bool {
        if let key = Key(hit) { return seen.insert(key).inserted }
        return seenOther.insert(hit).inserted
    }
}
