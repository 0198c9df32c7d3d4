extension CanonicalJSONParser {
    /// A string exactly as `CanonicalJSONWriter.string` writes it: the only escapes are `\"`, `\\`,
    /// `\b \f \n \r \t`, and `\u00xx` (lower-case hex) for the other controls below U+0020;
    /// everything else must be raw, well-formed UTF-8 (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF).
    mutating func parseString() throws -> String {
        position += 1
        var decoded: [UInt8] = []
        var runStart = position
        while true {
            let byte = try peek()
            switch byte {
            case UInt8(ascii: "\""):
                let string: String
                // No escape seen (each one appends a byte): the string is one run of the input.
                if decoded.isEmpty {
                    string = String(decoding: bytes[runStart..<position], as: UTF8.self)
                } else {
                    decoded.append(contentsOf: bytes[runStart..<position])
                    string = String(decoding: decoded, as: UTF8.self)
                }
                position += 1
                return string
            case UInt8(ascii: "\\"):
                decoded.append(contentsOf: bytes[runStart..<position])
                decoded.append(try parseEscape())
                runStart = position
            case 0x00..<0x20:
                throw CanonicalJSONError.controlCharacterInString(offset: position)
            case 0x20..<0x80:
                position += 1
            default:
                position += try validUTF8SequenceLength(at: position)
            }
        }
    }

    /// The byte an escape stands for; refuses every escape canonical JSON would not have written.
    private mutating func parseEscape() throws -> UInt8 {
        let escapeOffset = position
        guard position + 1 < bytes.count else { throw CanonicalJSONError.unexpectedEnd }
        let letter = bytes[position + 1]
        position += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): return letter
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            guard position + 4 <= bytes.count else { throw CanonicalJSONError.unexpectedEnd }
            let digits = bytes[position..<position + 4]
            position += 4
            guard digits.starts(with: [UInt8(ascii: "0"), UInt8(ascii: "0")]),
                  let high = Self.lowerHexValue(digits[digits.startIndex + 2]), high <= 1,
                  let low = Self.lowerHexValue(digits[digits.startIndex + 3])
            else { throw CanonicalJSONError.nonCanonicalEscape(offset: escapeOffset) }
            let value = high << 4 | low
            // These five have short forms, which canonical JSON uses instead.
            guard ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(value) else {
                throw CanonicalJSONError.nonCanonicalEscape(offset: escapeOffset)
            }
            return value
        default:
            throw CanonicalJSONError.nonCanonicalEscape(offset: escapeOffset)
        }
    }

    private static func lowerHexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// The length of the well-formed multi-byte UTF-8 sequence at `index` (RFC 3629 section 4).
    private func validUTF8SequenceLength(at index: Int) throws -> Int {
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF  // no overlong forms
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F  // no UTF-16 surrogates
        case 0xF0: length = 4; secondRange = 0x90...0xBF  // no overlong forms
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F  // nothing above U+10FFFF
        default: throw CanonicalJSONError.invalidUTF8(offset: index)
        }
        guard index + length <= bytes.count else { throw CanonicalJSONError.invalidUTF8(offset: index) }
        guard secondRange.contains(bytes[index + 1]) else { throw CanonicalJSONError.invalidUTF8(offset: index) }
        for continuation in bytes[(index + 2)..<(index + length)] where !(0x80...0xBF).contains(continuation) {
            throw CanonicalJSONError.invalidUTF8(offset: index)
        }
        return length
    }
}
