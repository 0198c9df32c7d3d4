import Foundation

extension String {
    /// The text without leading and trailing whitespace and newlines, as Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives it, but without Foundation's
    /// character-set walk when both ends are ASCII (every statement on the hot path).
    var trimmedSQL: String {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, Self.isASCIISpace(bytes[start]) { start = bytes.index(after: start) }
        while end > start, Self.isASCIISpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        guard start < end else { return "" }
        // A non-ASCII byte at either end may be Unicode whitespace: Foundation decides.
        guard bytes[start] < 0x80, bytes[bytes.index(before: end)] < 0x80 else {
            return trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if start == bytes.startIndex && end == bytes.endIndex { return self }
        return String(self[start..<end])
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
}
