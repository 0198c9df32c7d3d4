// Writes POSIX ustar headers, with a pax extended header in front when a value does not fit ustar.
// An archive is: for each entry `header(for:)`, its content, `padding(afterContentOf:)`; then `end`.

public enum TarWriter {
    static let blockSize = 512

    /// The header block(s) for an entry with `entry.size` content bytes: one ustar block, preceded
    /// by a pax 'x' header when the name, link name, user or group name, or a number does not fit.
    public static func header(for entry: TarEntry) -> [UInt8] {
        var pax = PaxBody()
        let block = ustarBlock(for: entry, overflow: &pax)
        guard !pax.isEmpty else { return block }
        return paxHeader(pax.bytes, for: entry) + block
    }

    /// Zero bytes that pad `size` content bytes to the next 512 boundary.
    public static func padding(afterContentOf size: Int) -> [UInt8] {
        let remainder = size % blockSize
        return remainder > 0 ? [UInt8](repeating: 0, count: blockSize - remainder) : []
    }

    /// Two zero blocks.
    public static let end = [UInt8](repeating: 0, count: 2 * blockSize)

    // MARK: - Blocks

    /// The ustar block; whatever does not fit its fields is added to `overflow` as pax records.
    private static func ustarBlock(for entry: TarEntry, overflow pax: inout PaxBody) -> [UInt8] {
        var block = HeaderBlock()
        let name = Array(entry.name.utf8)
        if let split = splitForUstar(name) {
            block.put(split.name, at: 0, width: 100)
            block.put(split.prefix, at: 345, width: 155)
        } else {
            pax.add("path", entry.name)
            block.put(truncated(name, to: 100), at: 0, width: 100)
        }
        block.putNumber(entry.mode & 0o7777777, at: 100, width: 8)
        block.putNumber(entry.uid, at: 108, width: 8, paxKey: "uid", pax: &pax)
        block.putNumber(entry.gid, at: 116, width: 8, paxKey: "gid", pax: &pax)
        block.putNumber(entry.size, at: 124, width: 12, paxKey: "size", pax: &pax)
        block.putNumber(entry.modificationTime, at: 136, width: 12, paxKey: "mtime", pax: &pax)
        block.bytes[156] = typeflag(entry.kind)
        block.putText(entry.linkName, at: 157, width: 100, paxKey: "linkpath", pax: &pax)
        block.put(Array("ustar\0".utf8) + Array("00".utf8), at: 257, width: 8)
        // uname and gname are NUL-terminated strings, so 31 bytes is their limit.
        block.putText(entry.userName, at: 265, width: 31, paxKey: "uname", pax: &pax)
        block.putText(entry.groupName, at: 297, width: 31, paxKey: "gname", pax: &pax)
        block.putNumber(0, at: 329, width: 8)  // devmajor: TarEntry carries no device numbers
        block.putNumber(0, at: 337, width: 8)  // devminor
        block.sealWithChecksum()
        return block.bytes
    }

    /// A pax 'x' header block, its records and their padding.
    private static func paxHeader(_ body: [UInt8], for entry: TarEntry) -> [UInt8] {
        var block = HeaderBlock()
        let name = Array("PaxHeaders/".utf8) + baseName(Array(entry.name.utf8))
        block.put(truncated(name, to: 100), at: 0, width: 100)
        block.putNumber(0o644, at: 100, width: 8)
        block.putNumber(fitsOctal(entry.uid, width: 8) ? entry.uid : 0, at: 108, width: 8)
        block.putNumber(fitsOctal(entry.gid, width: 8) ? entry.gid : 0, at: 116, width: 8)
        block.putNumber(body.count, at: 124, width: 12)
        block.putNumber(fitsOctal(entry.modificationTime, width: 12) ? entry.modificationTime : 0, at: 136, width: 12)
        block.bytes[156] = UInt8(ascii: "x")
        block.put(Array("ustar\0".utf8) + Array("00".utf8), at: 257, width: 8)
        block.putNumber(0, at: 329, width: 8)
        block.putNumber(0, at: 337, width: 8)
        block.sealWithChecksum()
        return block.bytes + body + padding(afterContentOf: body.count)
    }

    private static func typeflag(_ kind: TarEntry.Kind) -> UInt8 {
        switch kind {
        case .file: UInt8(ascii: "0")
        case .hardlink: UInt8(ascii: "1")
        case .symlink: UInt8(ascii: "2")
        case .directory: UInt8(ascii: "5")
        case .other(let flag): flag
        }
    }

    // MARK: - Names

    /// ustar stores a path of up to 256 bytes as prefix "/" name. Taking the first slash that leaves
    /// a name of at most 100 bytes gives the shortest prefix, so if that prefix is too long, all are.
    static func splitForUstar(_ path: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        if path.count <= 100 { return ([], path) }
        for index in path.indices where path[index] == UInt8(ascii: "/") {
            let nameLength = path.count - index - 1
            // An empty prefix would lose a leading slash when the reader joins the two.
            if nameLength > 100 || index == 0 { continue }
            guard nameLength > 0, index <= 155 else { return nil }
            return (Array(path[..<index]), Array(path[(index + 1)...]))
        }
        return nil
    }

    private static func baseName(_ path: [UInt8]) -> [UInt8] {
        let components = path.split(separator: UInt8(ascii: "/"))
        return components.last.map(Array.init) ?? []
    }

    /// At most `limit` bytes, cut at a UTF-8 character boundary so the field stays valid text.
    static func truncated(_ bytes: [UInt8], to limit: Int) -> [UInt8] {
        guard bytes.count > limit else { return bytes }
        var end = limit
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(bytes[..<end])
    }

    static func fitsOctal(_ value: Int, width: Int) -> Bool {
        value >= 0 && value < 1 << (3 * (width - 1))
    }
}

/// A 512-byte header block being filled in.
private struct HeaderBlock {
    var bytes = [UInt8](repeating: 0, count: TarWriter.blockSize)

    mutating func put(_ value: [UInt8], at offset: Int, width: Int) {
        precondition(value.count <= width, "tar header field overflow")
        bytes.replaceSubrange(offset ..< offset + value.count, with: value)
    }

    /// Text that does not fit goes to a pax record; the field keeps a truncated copy for old readers.
    mutating func putText(_ text: String, at offset: Int, width: Int, paxKey: String, pax: inout PaxBody) {
        let value = Array(text.utf8)
        if value.count > width { pax.add(paxKey, text) }
        put(TarWriter.truncated(value, to: width), at: offset, width: width)
    }

    /// Octal digits ended by a NUL, as POSIX specifies. A value that does not fit goes to a pax
    /// record, and the field gets GNU base-256 so readers that skip pax still frame the archive.
    mutating func putNumber(_ value: Int, at offset: Int, width: Int, paxKey: String? = nil, pax: inout PaxBody) {
        if TarWriter.fitsOctal(value, width: width) {
            putNumber(value, at: offset, width: width)
            return
        }
        if let paxKey { pax.add(paxKey, String(value)) }
        put(Self.base256(value, width: width), at: offset, width: width)
    }

    mutating func putNumber(_ value: Int, at offset: Int, width: Int) {
        put(Self.octal(value, digits: width - 1) + [0], at: offset, width: width)
    }

    /// The checksum is the sum of all bytes with its own field as spaces, written as six octal
    /// digits, a NUL and a space.
    mutating func sealWithChecksum() {
        bytes.replaceSubrange(148 ..< 156, with: Array(repeating: UInt8(ascii: " "), count: 8))
        let sum = bytes.reduce(0) { $0 + Int($1) }
        put(Self.octal(sum, digits: 6) + [0, UInt8(ascii: " ")], at: 148, width: 8)
    }

    private static func octal(_ value: Int, digits: Int) -> [UInt8] {
        let text = Array(String(value, radix: 8).utf8)
        return Array(repeating: UInt8(ascii: "0"), count: max(0, digits - text.count)) + text
    }

    /// GNU base-256: 0x80 (or 0xFF when negative) then the two's complement value, big-endian.
    /// Values past what the field holds are clamped; the pax record carries the exact value.
    private static func base256(_ value: Int, width: Int) -> [UInt8] {
        let bits = 8 * (width - 1)
        var remaining = value
        if bits < Int.bitWidth {
            remaining = min(max(value, -(1 << (bits - 1))), (1 << (bits - 1)) - 1)
        }
        var field = [UInt8](repeating: 0, count: width)
        for index in stride(from: width - 1, to: 0, by: -1) {
            field[index] = UInt8(truncatingIfNeeded: remaining)
            remaining >>= 8  // arithmetic shift keeps the sign for negative values
        }
        field[0] = value < 0 ? 0xFF : 0x80
        return field
    }
}

/// The records of a pax extended header.
private struct PaxBody {
    private(set) var bytes: [UInt8] = []

    var isEmpty: Bool { bytes.isEmpty }

    /// A record is "<length> <key>=<value>\n", where the length counts its own digits too.
    mutating func add(_ key: String, _ value: String) {
        let payload = Array(" \(key)=\(value)\n".utf8)
        var digits = 1
        while String(payload.count + digits).utf8.count != digits { digits += 1 }
        bytes += Array(String(payload.count + digits).utf8) + payload
    }
}
