/// Swedish personnummer (and samordningsnummer, day + 60): `YYMMDD-NNNC` (`+` instead of `-`
/// from the year someone turns 100) or `YYYYMMDD-NNNC` / `YYYYMMDDNNNC`. C is the Luhn check
/// digit of the ten digits YYMMDDNNN. The ten-digit form needs its separator: bare ten-digit
/// numbers are too often something else (phone numbers, order numbers).
enum SwedishPersonalNumberMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        guard !b.isGluedToToken(before: p) else { return nil }
        let run = b.digitRunEnd(from: p) - p
        var d: [Int]
        var end: Int
        if run == 6, let read = b.groupedDigits(at: p, groups: [6, 4], separators: [ASCII.hyphen, ASCII.plus], contiguousAllowed: false) {
            (d, end) = read
        } else if run == 8 || run == 12, let read = b.groupedDigits(at: p, groups: [8, 4], separators: [ASCII.hyphen]) {
            let century = read.digits[0] * 10 + read.digits[1]
            guard century == 18 || century == 19 || century == 20 else { return nil }
            (d, end) = (Array(read.digits.dropFirst(2)), read.end)
        } else {
            return nil
        }
        guard !b.continuesToken(after: end) else { return nil }
        var day = d[4] * 10 + d[5]
        if day > 60 { day -= 60 }
        guard CalendarDate.isValid(twoDigitYear: d[0] * 10 + d[1], month: d[2] * 10 + d[3], day: day),
              CheckDigits.luhnCheckDigit(for: Array(d.prefix(9))) == d[9] else { return nil }
        return p..<end
    }
}
