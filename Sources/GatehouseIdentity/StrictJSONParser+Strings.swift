extension StrictJSONParser {
    /// A string: raw characters must be well-formed UTF-8 at or above U+0020; escapes are the
    /// RFC 8259 ones, and a `\u` surrogate must be half of a pair (a lone one is no character).
    mutating func parseString() throws(StrictJSONError) -> String {
        position += 1
        var decoded: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                // Every byte appended is well-formed UTF-8, so decoding repairs nothing.
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                decoded.append(contentsOf: String(try parseEscape()).utf8)
            case 0x00..<0x20:
                throw .invalid
            case 0x20..<0x80:
                decoded.append(byte)
                position += 1
            default:
                // Part of a multi-byte character: the document was checked to be UTF-8 as a whole.
                decoded.append(byte)
                position += 1
            }
        }
        throw .invalid
    }

    /// The character an escape stands for.
    private mutating func parseEscape() throws(StrictJSONError) -> Unicode.Scalar {
        guard position + 1 < bytes.count else { throw .invalid }
        let letter = bytes[position + 1]
        position += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(letter)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try parseHexUnit()
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate: the low one must follow as its own `\u` escape.
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                else { throw .invalid }
                position += 2
                let low = try parseHexUnit()
                guard (0xDC00...0xDFFF).contains(low) else { throw .invalid }
                let value = 0x10000 + (UInt32(unit) - 0xD800) << 10 + (UInt32(low) - 0xDC00)
                return Unicode.Scalar(value)!  // in U+10000...U+10FFFF by construction
            case 0xDC00...0xDFFF:
                throw .invalid
            default:
                return Unicode.Scalar(unit)!  // not a surrogate, so a scalar
            }
        default:
            throw .invalid
        }
    }

    /// Four hex digits, either case.
    private mutating func parseHexUnit() throws(StrictJSONError) -> UInt16 {
        guard position + 4 <= bytes.count else { throw .invalid }
        var unit: UInt16 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .invalid
            }
            unit = unit << 4 | UInt16(digit)
        }
        position += 4
        return unit
    }
}
