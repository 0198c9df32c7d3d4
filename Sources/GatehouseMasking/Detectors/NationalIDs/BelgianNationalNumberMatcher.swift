/// Belgian national register number: 11 digits YYMMDD SSS CC, bare or printed `85.07.30-033.28`
/// (also with spaces or hyphens between the groups). CC = 97 − (YYMMDDSSS mod 97), or with a
/// 2 in front of the nine digits for people born from 2000. The month may be 0 or the day 0
/// (unknown birth dates), and bis numbers add 20 or 40 to the month.
enum BelgianNationalNumberMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let run = b.digitRunEnd(from: p) - p, next = b.byte(p + run)
        let separated = next == ASCII.dot || next == ASCII.hyphen || next == ASCII.space
        guard run == 11 || ((run == 2 || run == 6) && separated), !b.isGluedToToken(before: p) else { return nil }
        let read = b.groupedDigits(at: p, groups: [11], separators: [])
            ?? b.groupedDigits(at: p, groups: [2, 2, 2, 3, 2], separators: [ASCII.dot, ASCII.hyphen, ASCII.space],
                               contiguousAllowed: false, mixedSeparators: true)
            ?? b.groupedDigits(at: p, groups: [6, 3, 2], separators: [ASCII.hyphen, ASCII.space, ASCII.dot], contiguousAllowed: false)
        guard let (d, end) = read, !b.continuesToken(after: end) else { return nil }
        let month = (d[2] * 10 + d[3]) % 20
        guard month <= 12, d[4] * 10 + d[5] <= 31 else { return nil }
        let nine = Array(d.prefix(9)).number
        let check = d[9] * 10 + d[10]
        return 97 - nine % 97 == check || 97 - (2_000_000_000 + nine) % 97 == check ? p..<end : nil
    }
}
