/// The bytes in front of each entry's zlib stream: type and inflated size, then for a delta
/// its base (a backwards distance, or a 20-byte object ID).
struct PackEntryHeader {
    let kind: PackEntryKind
    let size: Int
    /// How many bytes the header took.
    let length: Int

    /// nil when `bytes` ends before the header does (wait for more input).
    /// `offset` is the entry's position in the pack, to turn a distance into a base offset.
    static func parse(_ bytes: UnsafeRawBufferPointer, offset: Int, index: Int) throws(PackError) -> PackEntryHeader? {
        func fail(_ reason: PackError.Reason) -> PackError { PackError(reason, objectIndex: index, offset: offset) }
        var cursor = Cursor(bytes: bytes)
        guard let (type, size) = try typeAndSize(&cursor, fail) else { return nil }
        let kind: PackEntryKind
        switch type {
        case 1...4: kind = .object(GitObjectType(rawValue: type)!)
        case 6:
            guard let distance = try baseDistance(&cursor, fail) else { return nil }
            guard distance > 0, distance <= offset - PackStreamParser.headerSize else { throw fail(.badBaseOffset(distance)) }
            kind = .offsetDelta(baseOffset: offset - distance)
        case 7:
            guard let id = cursor.take(GitObjectID.byteCount) else { return nil }
            kind = .referenceDelta(base: GitObjectID(bytes: id)!)
        default: throw fail(.badObjectType(type))
        }
        return PackEntryHeader(kind: kind, size: size, length: cursor.position)
    }

    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        mutating func next() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func take(_ count: Int) -> UnsafeRawBufferPointer.SubSequence? {
            guard bytes.count - position >= count else { return nil }
            defer { position += count }
            return bytes[position..<position + count]
        }
    }

    /// Type in bits 4-6 of the first byte, size in its low 4 bits then 7 bits per byte, little-endian.
    private static func typeAndSize(_ cursor: inout Cursor, _ fail: (PackError.Reason) -> PackError) throws(PackError) -> (UInt8, Int)? {
        guard var byte = cursor.next() else { return nil }
        let type = (byte >> 4) & 0x07
        var size = Int(byte & 0x0F)
        var shift = 4
        while byte & 0x80 != 0 {
            guard let next = cursor.next() else { return nil }
            guard shift <= 56 else { throw fail(.badVarint) }
            byte = next
            size |= Int(byte & 0x7F) << shift
            shift += 7
        }
        return (type, size)
    }

    /// Big-endian base-128 where each continuation adds one, so every distance has one encoding.
    private static func baseDistance(_ cursor: inout Cursor, _ fail: (PackError.Reason) -> PackError) throws(PackError) -> Int? {
        guard var byte = cursor.next() else { return nil }
        var distance = Int(byte & 0x7F)
        while byte & 0x80 != 0 {
            guard let next = cursor.next() else { return nil }
            guard distance < (1 << 55) else { throw fail(.badVarint) }
            byte = next
            distance = ((distance + 1) << 7) | Int(byte & 0x7F)
        }
        return distance
    }
}
