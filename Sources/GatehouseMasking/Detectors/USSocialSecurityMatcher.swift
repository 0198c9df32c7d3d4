/// US SSN written `AAA-GG-SSSS` or `AAA GG SSSS` (one kind of separator). Area 000, 666 and
/// 900–999, group 00 and serial 0000 are never issued, so they are rejected. (Three numbers of
/// those sizes in a row in prose are masked too: rare, and the safe direction.)
enum USSocialSecurityMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        guard !b.isGluedToToken(before: p) else { return nil }
        let separator = b.byte(p + 3)
        guard separator == ASCII.hyphen || separator == ASCII.space else { return nil }
        let shape: [Bool] = [true, true, true, false, true, true, false, true, true, true, true]
        for (offset, isDigit) in shape.enumerated() {
            let c = b.byte(p + offset)
            if isDigit ? !ASCII.isDigit(c) : c != separator { return nil }
        }
        let end = p + 11
        guard !b.continuesToken(after: end) else { return nil }
        func number(_ from: Int, _ count: Int) -> Int {
            (0..<count).reduce(0) { $0 * 10 + ASCII.digitValue(b[from + $1]) }
        }
        let area = number(p, 3), group = number(p + 4, 2), serial = number(p + 7, 4)
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return nil }
        return p..<end
    }
}
