/// German Steuerliche Identifikationsnummer: 11 digits (bare, or grouped `12 345 678 901`),
/// first digit not 0, among the first ten digits exactly one value repeats (twice, or three
/// times but never three in a row), and the last digit is the ISO 7064 MOD 11,10 check digit.
enum GermanTaxIDMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        guard !b.isGluedToToken(before: p), b[p] != ASCII.zero else { return nil }
        var digits: [Int] = []
        var i = p
        let runEnd = b.digitRunEnd(from: p)
        if runEnd - p == 11 {
            i = runEnd
        } else if runEnd - p == 2 {
            // Printed form: 2-3-3-3 separated by single spaces.
            i = runEnd
            for _ in 0..<3 {
                guard b.byte(i) == ASCII.space, b.digitRunEnd(from: i + 1) == i + 4 else { return nil }
                i += 4
            }
        } else {
            return nil
        }
        guard !b.continuesToken(after: i) else { return nil }
        for j in p..<i where ASCII.isDigit(b[j]) { digits.append(ASCII.digitValue(b[j])) }
        guard repetitionRuleHolds(digits.prefix(10)),
              CheckDigits.iso7064Mod11_10(digits.prefix(10)) == digits[10] else { return nil }
        return p..<i
    }

    static func repetitionRuleHolds(_ digits: ArraySlice<Int>) -> Bool {
        var counts = [Int](repeating: 0, count: 10)
        for d in digits { counts[d] += 1 }
        let repeated = counts.enumerated().filter { $0.element > 1 }
        guard repeated.count == 1, let (value, count) = repeated.first.map({ ($0.offset, $0.element) }),
              count <= 3 else { return false }
        if count == 3 {
            let list = Array(digits)
            for k in 0..<(list.count - 2) where list[k] == value && list[k + 1] == value && list[k + 2] == value {
                return false
            }
        }
        return true
    }
}
