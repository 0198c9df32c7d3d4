/// Dutch burgerservicenummer: exactly 9 digits passing the elfproef (11-test).
enum DutchBSNMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let end = b.digitRunEnd(from: p)
        guard end - p == 9, !b.continuesToken(before: p), !b.continuesToken(after: end) else { return nil }
        let digits = (p..<end).map { ASCII.digitValue(b[$0]) }
        return CheckDigits.elfproefValid(digits) ? p..<end : nil
    }
}
