/// IPv6 in full (`2001:0db8:0:0:0:0:0:1`) and `::`-compressed forms, optionally ending in an
/// embedded IPv4 (`::ffff:192.0.2.1`). A zone (`%eth0`) is left outside the match. Triggered by a
/// colon: the address start is found by walking back over hex digits and colons.
enum IPv6Matcher {
    static func match(_ b: UnsafeRawBufferPointer, at colon: Int, floor: Int) -> Range<Int>? {
        var start = colon
        while start > floor && colon - start < 40 && (ASCII.isHex(b[start - 1]) || b[start - 1] == ASCII.colon) {
            start -= 1
        }
        guard !ASCII.isAlnum(b.byte(start - 1)) else { return nil }

        var i = start
        var groups = 0
        var compressed = false
        if b.byte(i) == ASCII.colon {
            guard b.byte(i + 1) == ASCII.colon else { return nil }
            compressed = true
            i += 2
        }
        while groups < 8 {
            // An embedded IPv4 takes the place of the last two groups.
            if groups <= 6, let end = IPv4Matcher.octets(b, from: i), b.byte(end) != ASCII.dot,
               groups > 0 || compressed {
                i = end
                groups += 2
                break
            }
            let groupStart = i
            while i < b.count && ASCII.isHex(b[i]) && i - groupStart < 5 { i += 1 }
            let length = i - groupStart
            guard length <= 4 else { return nil }
            if length == 0 { break }
            groups += 1
            guard b.byte(i) == ASCII.colon else { break }
            if b.byte(i + 1) == ASCII.colon {
                guard !compressed else { return nil }
                compressed = true
                i += 2
            } else if ASCII.isHex(b.byte(i + 1)) {
                i += 1
            } else {
                break
            }
        }
        let end = i
        guard groups >= 1, compressed ? groups <= 7 : groups == 8 else { return nil }
        guard !ASCII.isAlnum(b.byte(end)) else { return nil }
        if b.byte(end) == ASCII.colon && ASCII.isHex(b.byte(end + 1)) { return nil }
        if b.byte(end) == ASCII.dot && ASCII.isDigit(b.byte(end + 1)) { return nil }
        return start..<end
    }
}
