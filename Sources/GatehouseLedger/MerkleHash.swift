import GatehouseCore

/// A 32-byte SHA-256 value naming a leaf, an interior node or a whole tree (RFC 9162 2.1.1).
/// Held inline (no heap allocation) because trees and proofs handle millions of them.
public struct MerkleHash: Hashable, Sendable {
    /// The number of bytes in a hash.
    public static let byteCount = 32

    @usableFromInline var storage: SIMD32<UInt8>

    @inlinable init(storage: SIMD32<UInt8>) { self.storage = storage }

    /// The hash whose bytes are `bytes`; nil unless there are exactly 32 of them. Inlinable, so
    /// stores reading millions of hashes (a full verification) get it specialised for their
    /// buffers, with one unaligned load instead of a generic byte loop.
    @inlinable
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        if let contiguous = bytes.withContiguousStorageIfAvailable({ MerkleHash(rawBytes: UnsafeRawBufferPointer($0)) }) {
            guard let hash = contiguous else { return nil }
            self = hash
            return
        }
        guard bytes.count == Self.byteCount else { return nil }
        var storage = SIMD32<UInt8>()
        for (offset, byte) in bytes.enumerated() { storage[offset] = byte }
        self.storage = storage
    }

    /// The hash from exactly 32 bytes of raw memory (a digest's buffer).
    @inlinable
    public init?(rawBytes: UnsafeRawBufferPointer) {
        guard rawBytes.count == Self.byteCount else { return nil }
        storage = rawBytes.loadUnaligned(as: SIMD32<UInt8>.self)
    }

    /// The 32 bytes, for storage columns and wire formats.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Calls `body` with the 32 bytes in place, without copying them to the heap.
    @inlinable
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    /// Lower-case hexadecimal, 64 characters.
    public var hex: String { withUnsafeBytes { hexString($0) } }

    /// The hash written as 64 hexadecimal digits (either case); nil for anything else.
    public init?<Text: StringProtocol>(hex: Text) {
        var storage = SIMD32<UInt8>()
        var count = 0
        var high: UInt8?
        for unit in hex.utf8 {
            guard let nibble = Self.nibble(unit), count < Self.byteCount else { return nil }
            if let first = high {
                storage[count] = first << 4 | nibble
                count += 1
                high = nil
            } else {
                high = nibble
            }
        }
        guard count == Self.byteCount, high == nil else { return nil }
        self.storage = storage
    }

    private static func nibble(_ unit: UInt8) -> UInt8? {
        switch unit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return unit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return unit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return unit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension MerkleHash: CustomStringConvertible {
    public var description: String { hex }
}
