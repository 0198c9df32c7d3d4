/// Finnish henkilötunnus (HETU): `DDMMYYCZZZQ`, e.g. `131052-308T`. C is the century sign (`+`
/// 1800s; `-` or Y X W V U 1900s; `A` or B C D E F 2000s), ZZZ the individual number (002–899,
/// 900–999 temporary) and Q the check character: DDMMYYZZZ mod 31 in 0123456789ABCDEFHJKLMNPRSTUVWXY.
enum FinnishPersonalIdentityCodeMatcher {
    static let checkCharacters: [UInt8] = Array("0123456789ABCDEFHJKLMNPRSTUVWXY".utf8)
    static let centurySigns: [UInt8: Int] = [
        ASCII.plus: 1800, ASCII.hyphen: 1900, 0x59: 1900, 0x58: 1900, 0x57: 1900, 0x56: 1900, 0x55: 1900,
        0x41: 2000, 0x42: 2000, 0x43: 2000, 0x44: 2000, 0x45: 2000, 0x46: 2000,
    ]

    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        // The check character may itself be a digit: the individual number is the three after the sign.
        guard !b.isGluedToToken(before: p), b.digitRunEnd(from: p) == p + 6,
              let century = centurySigns[b.byte(p + 6)], b.digitRunEnd(from: p + 7) >= p + 10 else { return nil }
        let check = ASCII.upper(b.byte(p + 10))
        let end = p + 11
        guard !ASCII.isAlnum(b.byte(end)) else { return nil }
        let digits = (p..<(p + 6)).map { ASCII.digitValue(b[$0]) } + ((p + 7)..<(p + 10)).map { ASCII.digitValue(b[$0]) }
        guard CalendarDate.isValid(year: century + digits[4] * 10 + digits[5], month: digits[2] * 10 + digits[3],
                                   day: digits[0] * 10 + digits[1]),
              checkCharacters[digits.number % 31] == check else { return nil }
        return p..<end
    }
}
