/// A 512-byte header block and the fields read from it.
struct TarHeader {
    let bytes: [UInt8]
    let number: Int

    enum NumericField: String {
        case mode, uid, gid, size, modificationTime = "mtime"

        var range: Range<Int> {
            switch self {
            case .mode: 100 ..< 108
            case .uid: 108 ..< 116
            case .gid: 116 ..< 124
            case .size: 124 ..< 136
            case .modificationTime: 136 ..< 148
            }
        }
    }

    enum TextField {
        case userName, groupName

        var range: Range<Int> {
            switch self {
            case .userName: 265 ..< 297
            case .groupName: 297 ..< 329
            }
        }
    }

    enum Format { case v7, ustar, oldGNU }

    static let checksumRange = 148 ..< 156

    var typeflag: UInt8 { bytes[156] }

    var format: Format {
        let magic = bytes[257 ..< 265]
        if magic.elementsEqual("ustar  \0".utf8) { return .oldGNU }
        if magic.prefix(6).elementsEqual("ustar\0".utf8) { return .ustar }
        return .v7
    }

    /// The name field, joined with the ustar prefix (old GNU headers use those bytes for other things).
    var fullName: [UInt8] {
        let name = cString(0 ..< 100)
        guard format == .ustar else { return name }
        let prefix = cString(345 ..< 500)
        return prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name
    }

    var linkName: [UInt8] { cString(157 ..< 257) }

    var isOldGNUSparseWithExtensions: Bool {
        format == .oldGNU && typeflag == UInt8(ascii: "S") && bytes[482] != 0
    }

    func text(_ field: TextField) -> String {
        format == .v7 ? "" : String(decoding: cString(field.range), as: UTF8.self)
    }

    /// The field's value, or `override` when a pax header gave one.
    func number(_ field: NumericField, unless override: Int? = nil) throws(TarStreamError) -> Int {
        if let override { return override }
        guard let value = TarNumber.parse(bytes[field.range]) else {
            throw TarStreamError("tar header \(number) has a malformed \(field.rawValue) field")
        }
        return value
    }

    /// tar sums the header bytes with the checksum field taken as spaces; some old tars summed
    /// signed chars, which GNU tar also accepts.
    var hasValidChecksum: Bool {
        guard let stored = TarNumber.octal(bytes[Self.checksumRange], requireDigits: true) else { return false }
        var unsigned = 0
        var signed = 0
        for (index, byte) in bytes.enumerated() {
            let value = Self.checksumRange.contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        return stored == unsigned || stored == signed
    }

    private func cString(_ range: Range<Int>) -> [UInt8] {
        Array(bytes[range].prefix { $0 != 0 })
    }

    static func kind(typeflag: UInt8, name: [UInt8]) -> TarEntry.Kind {
        switch typeflag {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
            // Pre-POSIX tars marked directories only with a trailing slash; GNU tar reads them so.
            name.last == UInt8(ascii: "/") ? .directory : .file
        case UInt8(ascii: "1"): .hardlink
        case UInt8(ascii: "2"): .symlink
        case UInt8(ascii: "5"): .directory
        default: .other(typeflag)
        }
    }
}

/// Numeric header fields: octal text, or GNU base-256 when the high bit of the first byte is set.
enum TarNumber {
    static func parse(_ field: ArraySlice<UInt8>) -> Int? {
        if let first = field.first, first & 0x80 != 0 {
            return base256(field)
        }
        return octal(field, requireDigits: false)
    }

    /// Octal digits, optionally after leading spaces, ended by NULs or spaces. An all-blank field
    /// reads as 0 (as Python's tarfile does) unless digits are required.
    static func octal(_ field: ArraySlice<UInt8>, requireDigits: Bool) -> Int? {
        var index = field.startIndex
        while index < field.endIndex, field[index] == UInt8(ascii: " ") { index += 1 }
        var value = 0
        var digits = 0
        while index < field.endIndex, (UInt8(ascii: "0") ... UInt8(ascii: "7")).contains(field[index]) {
            guard value <= Int.max >> 3 else { return nil }
            value = value << 3 | Int(field[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        guard field[index...].allSatisfy({ $0 == 0 || $0 == UInt8(ascii: " ") }) else { return nil }
        if requireDigits, digits == 0 { return nil }
        return value
    }

    /// GNU base-256: first byte 0x80 for positive or 0xFF for negative (two's complement), then
    /// big-endian bytes.
    static func base256(_ field: ArraySlice<UInt8>) -> Int? {
        guard let first = field.first, first == 0x80 || first == 0xFF else { return nil }
        var value = first == 0xFF ? -1 : 0
        for byte in field.dropFirst() {
            guard value <= Int.max >> 8, value >= Int.min >> 8 else { return nil }
            value = value << 8 | Int(byte)
        }
        return value
    }
}
