/// Dotted-quad IPv4: four decimal octets 0–255, not part of a longer dotted run (`1.2.3.4.5` is
/// a version string, not an address).
enum IPv4Matcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        guard !b.isGluedToToken(before: p) else { return nil }
        guard let end = octets(b, from: p) else { return nil }
        guard !b.continuesToken(after: end) else { return nil }
        return p..<end
    }

    /// Reads exactly four octets from `p` and returns where they end, or nil.
    static func octets(_ b: UnsafeRawBufferPointer, from p: Int) -> Int? {
        var i = p
        for octet in 0..<4 {
            if octet > 0 {
                guard b.byte(i) == ASCII.dot else { return nil }
                i += 1
            }
            let start = i
            var value = 0
            while i < b.count && ASCII.isDigit(b[i]) && i - start < 4 {
                value = value * 10 + ASCII.digitValue(b[i])
                i += 1
            }
            guard i > start, i - start <= 3, value <= 255 else { return nil }
        }
        return i
    }
}
