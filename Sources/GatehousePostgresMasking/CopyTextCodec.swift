/// COPY's text format, field by field: backslash escapes decoded before masking and a masked
/// value escaped again the way COPY TO writes it.
enum CopyTextCodec {
    /// Decodes `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, `\v`, `\ooo` (1 to 3 octal digits), `\xh` or
    /// `\xhh`; a backslash before any other character stands for that character.
    static func decode(_ field: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        var i = 0
        while i < field.count {
            let c = field[i]
            guard c == UInt8(ascii: "\\") else { output.append(c); i += 1; continue }
            i += 1
            guard i < field.count else { throw PostgresMaskingError(.copyRow, "backslash at the end of a field") }
            let e = field[i]
            i += 1
            switch e {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "v"): output.append(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(e - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, i < field.count, field[i] >= UInt8(ascii: "0"), field[i] <= UInt8(ascii: "7") {
                    value = value * 8 + Int(field[i] - UInt8(ascii: "0"))
                    i += 1
                    digits += 1
                }
                output.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x") where i < field.count && hexValue(field[i]) != nil:
                var value = hexValue(field[i])!
                i += 1
                if i < field.count, let low = hexValue(field[i]) {
                    value = value * 16 + low
                    i += 1
                }
                output.append(value)
            default:
                output.append(e)
            }
        }
    }

    /// COPY TO's escaping: backslash, the control characters with letter escapes, and the
    /// delimiter get a backslash.
    static func appendEncoded(_ value: [UInt8], delimiter: UInt8, to output: inout [UInt8]) {
        for c in value {
            switch c {
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0B: output += [UInt8(ascii: "\\"), UInt8(ascii: "v")]
            case delimiter: output += [UInt8(ascii: "\\"), c]
            default: output.append(c)
            }
        }
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
