/// Decoding and encoding of JSON string literals at the byte level.
enum JSONStringCodec {
    /// Appends the decoded UTF-8 content of the literal whose content (between the quotes) is
    /// `input[range]`. Escapes are resolved (`\u00e9`, surrogate pairs) so detectors see the real
    /// text. Lone surrogates and invalid UTF-8 throw: they cannot be represented as UTF-8 and
    /// masking must not guess.
    static func decode(_ input: UnsafeRawBufferPointer, _ range: Range<Int>, into out: inout [UInt8]) throws {
        var i = range.lowerBound
        let end = range.upperBound
        var runStart = i
        while i < end {
            let c = input[i]
            if c == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[runStart..<i]))
                i += 1
                guard i < end else { throw MalformedInputError(.json, offset: i, reason: "unterminated escape") }
                switch input[i] {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(input, i + 1, end)
                    i += 4
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard i + 2 < end, input[i + 1] == UInt8(ascii: "\\"), input[i + 2] == UInt8(ascii: "u") else {
                            throw MalformedInputError(.json, offset: i, reason: "lone high surrogate")
                        }
                        let low = try hex4(input, i + 3, end)
                        guard low >= 0xDC00 && low < 0xE000 else { throw MalformedInputError(.json, offset: i, reason: "lone high surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw MalformedInputError(.json, offset: i, reason: "lone low surrogate")
                    }
                    appendUTF8(UInt32(scalar), to: &out)
                default:
                    throw MalformedInputError(.json, offset: i, reason: "invalid escape")
                }
                i += 1
                runStart = i
            } else if c < 0x20 {
                throw MalformedInputError(.json, offset: i, reason: "control character in string")
            } else if c < 0x80 {
                i += 1
            } else {
                i = try skipUTF8Sequence(input, i, end)
            }
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[runStart..<end]))
    }

    /// Appends `value` (UTF-8) as a JSON string literal, quotes included. Only what JSON requires
    /// is escaped (quote, backslash, control characters); other text stays as UTF-8.
    static func encode(_ value: [UInt8], into out: inout [UInt8]) {
        out.append(0x22)
        for c in value {
            switch c {
            case 0x22, 0x5C: out.append(0x5C); out.append(c)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                // \u00XX; the digit after 00 is 0 or 1.
                out.append(0x5C); out.append(UInt8(ascii: "u")); out.append(0x30); out.append(0x30)
                out.append(0x30 + c >> 4)
                out.append(c & 0xF < 10 ? 0x30 + c & 0xF : UInt8(ascii: "a") - 10 + c & 0xF)
            default: out.append(c)
            }
        }
        out.append(0x22)
    }

    private static func hex4(_ input: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws -> Int {
        guard start + 4 <= end else { throw MalformedInputError(.json, offset: start, reason: "short \\u escape") }
        var value = 0
        for j in start..<start + 4 {
            let c = input[j]
            let digit: Int
            if ASCII.isDigit(c) { digit = Int(c - 0x30) }
            else if (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "f") { digit = Int((c | 0x20) - UInt8(ascii: "a") + 10) }
            else { throw MalformedInputError(.json, offset: j, reason: "invalid hex digit in \\u escape") }
            value = value << 4 | digit
        }
        return value
    }

    /// The index after the well-formed UTF-8 sequence starting at `i` (RFC 3629: no overlongs,
    /// no surrogates, nothing above U+10FFFF).
    static func skipUTF8Sequence(_ b: UnsafeRawBufferPointer, _ i: Int, _ end: Int) throws -> Int {
        let c = b[i]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw MalformedInputError(.json, offset: i, reason: "invalid UTF-8")
        }
        guard i + length <= end else { throw MalformedInputError(.json, offset: i, reason: "truncated UTF-8") }
        guard b[i + 1] >= low && b[i + 1] <= high else { throw MalformedInputError(.json, offset: i, reason: "invalid UTF-8") }
        for j in i + 2 ..< i + length where b[j] & 0xC0 != 0x80 {
            throw MalformedInputError(.json, offset: j, reason: "invalid UTF-8")
        }
        return i + length
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out += [UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F)]
        case 0x800..<0x10000:
            out += [UInt8(0xE0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
        default:
            out += [UInt8(0xF0 | scalar >> 18), UInt8(0x80 | scalar >> 12 & 0x3F),
                    UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
        }
    }
}
