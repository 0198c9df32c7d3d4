/// Austrian Sozialversicherungsnummer: 10 digits `SSSC DDMMYY` (bare or with the space): a
/// serial number not starting with 0, a check digit, and the date of birth (a month of 13–15 and
/// day 00 or above 31 appear for unknown dates, so only the month range 1–15 and day 0–31 are
/// required). C = (3 7 9 · SSS + 5 8 4 2 1 6 · DDMMYY) mod 11; a sum leaving 10 is never issued.
enum AustrianSocialSecurityNumberMatcher {
    static let weights = [3, 7, 9, 0, 5, 8, 4, 2, 1, 6]

    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let run = b.digitRunEnd(from: p) - p
        guard run == 10 || (run == 4 && b.byte(p + 4) == ASCII.space), !b.isGluedToToken(before: p), b[p] != ASCII.zero,
              let (d, end) = b.groupedDigits(at: p, groups: [4, 6], separators: [ASCII.space]),
              !b.continuesToken(after: end) else { return nil }
        let month = d[6] * 10 + d[7]
        guard (1...15).contains(month), d[4] * 10 + d[5] <= 31 else { return nil }
        let sum = zip(d, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return sum % 11 == d[3] ? p..<end : nil
    }
}
