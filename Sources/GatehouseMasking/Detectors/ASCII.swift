// Byte classification for the matchers. Everything here is ASCII-only on purpose: identifiers
// are ASCII, and any non-ASCII byte counts as "not part of the identifier".

enum ASCII {
    static let zero: UInt8 = 0x30
    static let space: UInt8 = 0x20
    static let hyphen: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let at: UInt8 = 0x40
    static let plus: UInt8 = 0x2B
    static let openParen: UInt8 = 0x28
    static let closeParen: UInt8 = 0x29
    static let star: UInt8 = 0x2A

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isUpper(_ c: UInt8) -> Bool { c &- 0x41 < 26 }
    @inline(__always) static func isLower(_ c: UInt8) -> Bool { c &- 0x61 < 26 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20) &- 0x61 < 6 }
    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { isUpper(c) ? c | 0x20 : c }
    @inline(__always) static func upper(_ c: UInt8) -> UInt8 { isLower(c) ? c & ~0x20 : c }
    @inline(__always) static func digitValue(_ c: UInt8) -> Int { Int(c &- 0x30) }
}

extension UnsafeRawBufferPointer {
    /// The byte at `i`, or 0 outside the buffer: lets matchers look around without bounds checks.
    @inline(__always) func byte(_ i: Int) -> UInt8 { i >= 0 && i < count ? self[i] : 0 }

    /// The `count` digits from `i` as a number (a byte outside the buffer counts as 0).
    @inline(__always) func decimalValue(from i: Int, count: Int) -> Int {
        (i..<(i + count)).reduce(0) { $0 * 10 + ASCII.digitValue(byte($1)) }
    }

    /// The end of the run of ASCII digits starting at `i`.
    @inline(__always) func digitRunEnd(from i: Int) -> Int {
        var j = i
        while j < count && ASCII.isDigit(self[j]) { j += 1 }
        return j
    }

    /// True when a number starting at `p` is glued to the token before it: a letter or digit right
    /// before it, or a digit and a dot (`1.5`, `3.4111…`: the digits after a decimal point).
    /// The check-digit validated matchers stop only at this: a number after a space or a hyphen
    /// (`qty 3 4111 1111 1111 1111`, `0-4111111111111111`) is read on its own, so putting a
    /// number in front of an identifier does not hide it.
    @inline(__always) func isGluedToToken(before p: Int) -> Bool {
        let previous = byte(p - 1)
        if ASCII.isAlnum(previous) { return true }
        return previous == ASCII.dot && ASCII.isDigit(byte(p - 2))
    }

    /// `isGluedToToken(before:)`, or a digit and a space or hyphen before it (`12 `, `12-`): the
    /// number may be the tail of a longer grouped one. For weak evidence only (phone numbers in
    /// national format), which would otherwise match the last groups of any long number.
    @inline(__always) func continuesToken(before p: Int) -> Bool {
        if isGluedToToken(before: p) { return true }
        let previous = byte(p - 1)
        return (previous == ASCII.hyphen || previous == ASCII.space) && ASCII.isDigit(byte(p - 2))
    }

    /// True when a number ending at `e` would be cut out of a longer token: a letter or digit
    /// right after it, or `.`/`-` followed by a digit (`1.2.3.4.5`, `123-45-6789-0`).
    @inline(__always) func continuesToken(after e: Int) -> Bool {
        let next = byte(e)
        if ASCII.isAlnum(next) { return true }
        if next == ASCII.dot || next == ASCII.hyphen { return ASCII.isDigit(byte(e + 1)) }
        return false
    }
}
