/// Portuguese NIF (número de identificação fiscal): 9 digits, bare or `123 456 789`; the first
/// digit 1, 2, 3 (people), 5, 6, 8 or 9 (companies, public bodies, other), and the last is the
/// mod-11 check digit over weights 9 to 2 (11 − sum mod 11, 0 when that is 10 or 11).
enum PortugueseNIFMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let run = b.digitRunEnd(from: p) - p
        guard run == 9 || (run == 3 && b.byte(p + 3) == ASCII.space), !b.isGluedToToken(before: p) else { return nil }
        guard let (d, end) = b.groupedDigits(at: p, groups: [3, 3, 3], separators: [ASCII.space]),
              !b.continuesToken(after: end), [1, 2, 3, 5, 6, 8, 9].contains(d[0]) else { return nil }
        let sum = (0..<8).reduce(0) { $0 + d[$1] * (9 - $1) }
        let check = 11 - sum % 11
        return (check >= 10 ? 0 : check) == d[8] ? p..<end : nil
    }
}
