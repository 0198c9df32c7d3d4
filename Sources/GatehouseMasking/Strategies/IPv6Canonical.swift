/// Expands an IPv6 address to eight lower-case groups without leading zeros
/// (`2001:DB8::1` → `2001:db8:0:0:0:0:0:1`), so every spelling of one address is one subject.
/// Returns nil when the text is not an IPv6 address the detector would accept.
enum IPv6Canonical {
    static func expand(_ text: [UInt8]) -> [UInt8]? {
        let halves = split(text)
        guard halves.count <= 2 else { return nil }
        guard var head = groups(halves[0]) else { return nil }
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            head += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard head.count == 8 else { return nil }
        return Array(head.map { String($0, radix: 16) }.joined(separator: ":").utf8)
    }

    /// Splits at `::`.
    private static func split(_ text: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = [[]]
        var i = 0
        while i < text.count {
            if text[i] == ASCII.colon && i + 1 < text.count && text[i + 1] == ASCII.colon {
                parts.append([])
                i += 2
            } else {
                parts[parts.count - 1].append(text[i])
                i += 1
            }
        }
        return parts
    }

    /// The 16-bit groups of one side of `::`; an embedded IPv4 gives the last two.
    private static func groups(_ side: [UInt8]) -> [UInt16]? {
        guard !side.isEmpty else { return [] }
        var result: [UInt16] = []
        for piece in side.split(separator: ASCII.colon, omittingEmptySubsequences: false) {
            if piece.contains(ASCII.dot) {
                let octets = piece.split(separator: ASCII.dot).compactMap { UInt16(String(decoding: $0, as: UTF8.self)) }
                guard octets.count == 4, octets.allSatisfy({ $0 <= 255 }) else { return nil }
                result += [octets[0] << 8 | octets[1], octets[2] << 8 | octets[3]]
            } else {
                guard (1...4).contains(piece.count),
                      let value = UInt16(String(decoding: piece, as: UTF8.self), radix: 16) else { return nil }
                result.append(value)
            }
        }
        return result
    }
}
