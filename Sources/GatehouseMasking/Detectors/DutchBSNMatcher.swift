/// Dutch burgerservicenummer: 9 digits passing the elfproef (11-test), bare or printed
/// `1234.56.782` (dots or spaces, as on Dutch documents).
enum DutchBSNMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        guard !b.continuesToken(before: p),
              let (digits, end) = b.groupedDigits(at: p, groups: [9], separators: [])
                ?? b.groupedDigits(at: p, groups: [4, 2, 3], separators: [ASCII.dot, ASCII.space], contiguousAllowed: false),
              !b.continuesToken(after: end) else { return nil }
        return CheckDigits.elfproefValid(digits) ? p..<end : nil
    }
}
