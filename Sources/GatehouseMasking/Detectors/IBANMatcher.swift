/// IBAN: two upper-case country letters, two check digits, then the BBAN, with the total length
/// from the country table and a mod-97 remainder of 1. Spaces are allowed every four characters
/// (the printed form). Triggered by the first check digit, so the letters are read backwards.
enum IBANMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let start = p - 2
        guard start >= floor, ASCII.isUpper(b.byte(start)), ASCII.isUpper(b.byte(start + 1)),
              !ASCII.isAlnum(b.byte(start - 1)), ASCII.isDigit(b.byte(p + 1)) else { return nil }
        let length = IBANCountryLengths.length(b[start], b[start + 1])
        guard length > 0 else { return nil }

        var chars: [UInt8] = []
        chars.reserveCapacity(length)
        var i = start
        while chars.count < length {
            let c = b.byte(i)
            if ASCII.isDigit(c) || ASCII.isUpper(c) {
                chars.append(c)
                i += 1
            } else if c == ASCII.space, chars.count % 4 == 0, chars.count > 0, ASCII.isAlnum(b.byte(i + 1)) {
                i += 1
            } else {
                return nil
            }
        }
        guard !ASCII.isAlnum(b.byte(i)), CheckDigits.ibanValid(chars) else { return nil }
        return start..<i
    }
}
