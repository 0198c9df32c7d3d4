/// Dutch burgerservicenummer: 9 digits passing the elfproef (11-test), bare or printed
/// `1234.56.782` (dots or spaces, as on Dutch documents).
enum DutchBSNMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let runEnd = b.digitRunEnd(from: p), next = b.byte(runEnd)
        guard !b.isGluedToToken(before: p) else { return nil }
        let digits: [Int], end: Int
        if runEnd - p == 9 {
            (digits, end) = ((p..<runEnd).map { ASCII.digitValue(b[$0]) }, runEnd)
        } else if runEnd - p == 4, next == ASCII.dot || next == ASCII.space,
                  let printed = b.groupedDigits(at: p, groups: [4, 2, 3], separators: [next], contiguousAllowed: false) {
            (digits, end) = printed
        } else {
            return nil
        }
        guard !b.continuesToken(after: end) else { return nil }
        return CheckDigits.elfproefValid(digits) ? p..<end : nil
    }
}
