import Crypto

/// The tree hash of RFC 9162 section 2.1.1 (the same as RFC 6962 2.1), SHA-256 throughout.
/// The 0x00 / 0x01 prefixes separate leaves from interior nodes, so no leaf can be passed
/// off as a subtree (second-preimage resistance).
extension MerkleHash {
    /// MTH of the empty tree: SHA-256 of the empty string.
    public static let emptyTree: MerkleHash = {
        digest(SHA256())
    }()

    /// The leaf hash `SHA-256(0x00 || entry)`.
    public static func leafHash(_ entry: UnsafeRawBufferPointer) -> MerkleHash {
        var hasher = SHA256()
        Swift.withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: entry)
        return digest(hasher)
    }

    /// The leaf hash `SHA-256(0x00 || entry)` of any byte collection.
    @inlinable
    public static func leafHash<Bytes: Collection>(_ entry: Bytes) -> MerkleHash where Bytes.Element == UInt8 {
        if let hash = entry.withContiguousStorageIfAvailable({ leafHash(UnsafeRawBufferPointer($0)) }) {
            return hash
        }
        return Array(entry).withUnsafeBytes { leafHash($0) }
    }

    /// The interior node hash `SHA-256(0x01 || left || right)`.
    public static func interiorHash(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        // One 65-byte block on the stack: a single update is measurably cheaper than three.
        withUnsafeTemporaryAllocation(byteCount: 1 + 2 * byteCount, alignment: 1) { buffer in
            buffer[0] = 0x01
            left.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1...]).copyMemory(from: $0) }
            right.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: buffer[(1 + byteCount)...]).copyMemory(from: $0)
            }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
            return digest(hasher)
        }
    }

    private static func digest(_ hasher: SHA256) -> MerkleHash {
        hasher.finalize().withUnsafeBytes { MerkleHash(rawBytes: $0)! }
    }
}
