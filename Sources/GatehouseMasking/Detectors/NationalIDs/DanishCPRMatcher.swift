/// Danish CPR number: `DDMMYY-SSSS` with a real date. There is no check digit to rely on
/// (numbers issued since 2007 need not pass the old modulus-11 test), so the hyphen is required:
/// a bare ten-digit number is too often something else.
enum DanishCPRMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        guard b.digitRunEnd(from: p) == p + 6, b.byte(p + 6) == ASCII.hyphen, !b.isGluedToToken(before: p),
              let (d, end) = b.groupedDigits(at: p, groups: [6, 4], separators: [ASCII.hyphen], contiguousAllowed: false),
              !b.continuesToken(after: end),
              CalendarDate.isValid(twoDigitYear: d[4] * 10 + d[5], month: d[2] * 10 + d[3], day: d[0] * 10 + d[1])
        else { return nil }
        return p..<end
    }
}
