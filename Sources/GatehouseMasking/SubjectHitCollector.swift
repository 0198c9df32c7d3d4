import Crypto
import GatehouseCore

/// Subject hits across many values (a row, a message, a response, a whole document), each kept
/// once, in order of first appearance. Allocates nothing until the first hit.
///
/// Distinct subjects are told apart by a 128-bit key taken from the digest, not by the digest
/// text: a document naming a million people costs a million small fixed-size inserts
/// (`SubjectKeySet`), and the hex text of a digest is written only for the hits that are kept.
/// With `limit`, only the first `limit` hits are kept; `distinctCount` still counts every subject seen.
public struct SubjectHitCollector: Sendable {
    public private(set) var hits: [SubjectHit] = []
    /// Every distinct subject seen, kept in `hits` or not.
    public var distinctCount: Int { seen.count }
    public let limit: Int
    private var seen = SubjectKeySet()

    public init(limit: Int = .max) {
        self.limit = limit
    }

    /// Returns whether the subject is new to this collector (kept or only counted).
    @discardableResult
    public mutating func add(_ hit: SubjectHit) -> Bool {
        guard seen.insert(SubjectKey(hit)) else { return false }
        if hits.count < limit { hits.append(hit) }
        return true
    }

    public mutating func add(_ more: [SubjectHit]) {
        for hit in more { add(hit) }
    }

    /// Adds what `other` saw as if it came after everything this collector saw: its kept hits in
    /// order, then the rest of its subjects (counted).
    public mutating func merge(_ other: SubjectHitCollector) {
        add(other.hits)
        seen.formUnion(other.seen)
    }

    /// A hit from a raw HMAC digest: its hex text is written only when it is new and kept.
    /// Past the limit, where a subject is only counted, whether it is new need not be known at
    /// once: the engine's hits (a large document's million people) are counted in batches.
    mutating func add(kind: IdentifierKind, mac: SHA256.Digest) {
        guard hits.count < limit else { return seen.insertLater(SubjectKey(kind: kind, mac: mac)) }
        if seen.insert(SubjectKey(kind: kind, mac: mac)) {
            hits.append(SubjectHit(kind: kind, digest: mac.withUnsafeBytes { hexString($0) }))
        }
    }
}

/// What tells two subject hits apart: the kind and the first 128 bits of the digest. A digest
/// that is not 64 lower-case hex digits (none the engine makes) is keyed by its SHA-256 instead.
struct SubjectKey: Sendable {
    let kind: IdentifierKind
    /// A keyed MAC's (or SHA-256's) bits, which no one can aim at one slot of `SubjectKeySet`.
    let high: UInt64
    let low: UInt64

    init(kind: IdentifierKind, high: UInt64, low: UInt64) {
        (self.kind, self.high, self.low) = (kind, high, low)
    }

    init(kind: IdentifierKind, mac: SHA256.Digest) {
        self.kind = kind
        (high, low) = mac.withUnsafeBytes { Self.words($0) }
    }

    init(_ hit: SubjectHit) {
        kind = hit.kind
        var digest = hit.digest
        if let parsed = digest.withUTF8({ Self.lowerHexPrefix($0) }) {
            (high, low) = parsed
        } else {
            (high, low) = SHA256.hash(data: Array(digest.utf8)).withUnsafeBytes { Self.words($0) }
        }
    }

    private static func words(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        (UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)),
         UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }

    /// The first 32 digits of a 64-digit lower-case hex digest as two words, or nil.
    private static func lowerHexPrefix(_ text: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        guard text.count == 64 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        for (index, digit) in text.enumerated() {
            let value: UInt64
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(digit &- UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(digit &- UInt8(ascii: "a") &+ 10)
            default: return nil
            }
            if index < 16 { words.0 = words.0 << 4 | value } else if index < 32 { words.1 = words.1 << 4 | value }
        }
        return words
    }
}
