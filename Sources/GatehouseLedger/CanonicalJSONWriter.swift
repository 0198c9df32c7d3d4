/// Appends canonical JSON (JCS, RFC 8785, for our data) straight into a byte buffer: no value tree,
/// no Foundation, because every recorded statement is written through it on the gateway's hot path.
///
/// The writer does the byte-level rules (escapes, integers, separators); callers write object
/// members in sorted key order. The ledger's schema writes fixed keys in a fixed sorted order, so
/// any subset of them is sorted too, and the strict decoder (which refuses unsorted keys) checks it
/// in the round-trip tests.
struct CanonicalJSONWriter {
    private(set) var bytes: [UInt8]
    /// Whether the next member or element needs a comma before it.
    private var afterValue = false

    init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        afterValue = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        afterValue = true
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        afterValue = false
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        afterValue = true
    }

    /// A member name from the schema: ASCII without characters that need escaping.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterValue = false
    }

    /// Any member name (the generic value encoder's keys), escaped like a string.
    mutating func key(_ key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
        afterValue = false
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
        afterValue = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        if value {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
        }
        afterValue = true
    }

    /// Plain decimal, `-` for negatives, no leading zeros: what JCS gives for integers in range.
    mutating func integer(_ value: Int) throws {
        guard CanonicalJSONValue.integerRange.contains(value) else { throw CanonicalJSONError.integerOutOfRange(offset: nil) }
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // At most 16 digits in range; written backwards into a stack buffer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
        afterValue = true
    }

    /// `"` and `\` escaped, `\b \f \n \r \t` in short form, other controls below U+0020 as
    /// `\u00xx` (lower-case hex), everything else as its raw UTF-8 (Swift strings are valid Unicode).
    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0, index = 0
            let raw = UnsafeRawBufferPointer(utf8)
            while index < utf8.count {
                // Eight bytes at a time while none of them needs an escape (long texts, recorded
                // output, base64 boxes are mostly such runs).
                while index + 8 <= utf8.count, !Self.mayNeedEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                }
                guard index < utf8.count else { break }
                let byte = utf8[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    appendEscape(of: byte)
                    runStart = index + 1
                }
                index += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
        afterValue = true
    }

    /// The bytes in standard base64 with padding, as a string (`NoteBase64.encode`, written in
    /// place: a sealed box holds everything an exec session printed, so no String in between).
    mutating func base64String<Bytes: Collection>(_ value: Bytes) where Bytes.Element == UInt8 {
        separate()
        bytes.append(UInt8(ascii: "\""))
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (value.count + 2) / 3 * 4))
        if value.withContiguousStorageIfAvailable({ Self.writeBase64($0, into: &bytes, at: start) }) == nil {
            Array(value).withUnsafeBufferPointer { Self.writeBase64($0, into: &bytes, at: start) }
        }
        bytes.append(UInt8(ascii: "\""))
        afterValue = true
    }

    /// Writes `input`'s base64 over the padding already in `output` from `start`: whole groups of
    /// three bytes in one loop over raw buffers (a box holds a whole exec chunk), then the rest.
    private static func writeBase64(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], at start: Int) {
        output.withUnsafeMutableBufferPointer { out in
            base64Alphabet.withUnsafeBufferPointer { alphabet in
                var i = 0, o = start
                while i + 3 <= input.count {
                    let group = Int(input[i]) << 16 | Int(input[i + 1]) << 8 | Int(input[i + 2])
                    out[o] = alphabet[group >> 18]
                    out[o + 1] = alphabet[group >> 12 & 0x3F]
                    out[o + 2] = alphabet[group >> 6 & 0x3F]
                    out[o + 3] = alphabet[group & 0x3F]
                    i += 3
                    o += 4
                }
                guard i < input.count else { return }
                let second = i + 1 < input.count ? Int(input[i + 1]) : 0
                let group = Int(input[i]) << 16 | second << 8
                out[o] = alphabet[group >> 18]
                out[o + 1] = alphabet[group >> 12 & 0x3F]
                if i + 1 < input.count { out[o + 2] = alphabet[group >> 6 & 0x3F] }
            }
        }
    }

    private static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Whether any of eight bytes may be a control character, `"` or `\\` (never false when one
    /// is; sometimes true when none is, which only sends those bytes the slow way).
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        return control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    /// A member only when there is a value (absent optional fields are left out, not `null`).
    mutating func optional(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    mutating func optional(_ key: String, _ value: Int?) throws {
        guard let value else { return }
        self.key(key)
        try integer(value)
    }

    mutating func optional(_ key: String, _ value: Bool?) {
        guard let value else { return }
        self.key(key)
        bool(value)
    }

    /// Bytes already in canonical form (a spliced member); the caller owns their correctness.
    mutating func raw<Bytes: Sequence>(_ canonical: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: canonical)
    }

    private mutating func separate() {
        if afterValue { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendEscape(of byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        default:
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      Self.lowerHexDigit(byte >> 4), Self.lowerHexDigit(byte & 0x0F)])
        }
    }

    private static func lowerHexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
