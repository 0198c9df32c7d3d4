/// `local@domain.tld`, triggered by the `@`: the local part is read backwards, the domain
/// forwards. The domain needs at least one dot and a final label of two or more letters.
enum EmailMatcher {
    /// Characters allowed in the local part (a practical subset of RFC 5322's atext plus dots),
    /// and any non-ASCII UTF-8 byte: internationalised addresses (RFC 6531, `chloé@…`).
    @inline(__always) static func isLocalByte(_ c: UInt8) -> Bool {
        ASCII.isAlnum(c) || c == ASCII.dot || c == 0x5F /* _ */ || c == 0x25 /* % */
            || c == ASCII.plus || c == ASCII.hyphen || c == 0x27 /* ' */ || c >= 0x80
    }

    /// Domain labels: letters, digits, hyphens, and non-ASCII UTF-8 (internationalised domains).
    @inline(__always) static func isLabelByte(_ c: UInt8) -> Bool { ASCII.isAlnum(c) || c == ASCII.hyphen || c >= 0x80 }

    @inline(__always) static func isLabelLetter(_ c: UInt8) -> Bool { ASCII.isLetter(c) || c >= 0x80 }

    static func match(_ b: UnsafeRawBufferPointer, at: Int, floor: Int) -> Range<Int>? {
        // Local part, backwards; a leading dot or quote is punctuation, not part of the address.
        var start = at
        while start > floor && start > at - 64 && isLocalByte(b[start - 1]) { start -= 1 }
        // Never start inside a UTF-8 sequence (the 64-byte limit may cut one).
        while start < at && b[start] & 0xC0 == 0x80 { start += 1 }
        while start < at && (b[start] == ASCII.dot || b[start] == 0x27) { start += 1 }
        guard start < at, b[at - 1] != ASCII.dot else { return nil }

        // Domain labels, forwards; remember where each label ends and whether it is all letters.
        var i = at + 1
        var labels = 0
        var end = -1
        var lastLabelEnd = -1
        var lastLabelLetters = 0
        while true {
            let labelStart = i
            var letters = true
            while i < b.count && isLabelByte(b[i]) {
                if !isLabelLetter(b[i]) { letters = false }
                i += 1
            }
            guard i > labelStart, b[labelStart] != ASCII.hyphen, b[i - 1] != ASCII.hyphen else { break }
            labels += 1
            lastLabelEnd = i
            lastLabelLetters = letters ? i - labelStart : 0
            if labels >= 2 && lastLabelLetters >= 2 { end = i }
            guard b.byte(i) == ASCII.dot, isLabelByte(b.byte(i + 1)) else { break }
            i += 1
        }
        guard end > 0 else { return nil }
        // `a@b.com2x` or `a@b.com-` : the address would be cut out of a longer token.
        if end == lastLabelEnd, isLabelByte(b.byte(end)) { return nil }
        return start..<end
    }
}
