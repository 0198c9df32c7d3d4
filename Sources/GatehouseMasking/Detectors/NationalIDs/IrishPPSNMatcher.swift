/// Irish PPS number: seven digits and a check letter, optionally a second letter (A, B, or W
/// for older numbers): `1234567T`, `1234567TA`. The check letter is the weighted sum (8 down to
/// 2 over the digits, 9 × the second letter's position in the alphabet, W counting 0) mod 23,
/// where 0 is W and 1–22 are A–V.
enum IrishPPSNMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let end = b.digitRunEnd(from: p)
        guard end - p == 7, !b.isGluedToToken(before: p) else { return nil }
        let check = ASCII.upper(b.byte(end))
        guard ASCII.isUpper(check) else { return nil }
        var second = ASCII.upper(b.byte(end + 1))
        var length = 8
        if ASCII.isUpper(second) {
            guard second == 0x41 || second == 0x42 || second == 0x57, !ASCII.isAlnum(b.byte(end + 2)) else { return nil }
            length = 9
        } else {
            guard !ASCII.isAlnum(second) else { return nil }
            second = 0x57
        }
        var sum = (0..<7).reduce(0) { $0 + ASCII.digitValue(b[p + $1]) * (8 - $1) }
        if second != 0x57 { sum += 9 * Int(second - 0x40) }
        let remainder = sum % 23
        let expected: UInt8 = remainder == 0 ? 0x57 : 0x40 + UInt8(remainder)
        return check == expected ? p..<(p + length) : nil
    }
}
