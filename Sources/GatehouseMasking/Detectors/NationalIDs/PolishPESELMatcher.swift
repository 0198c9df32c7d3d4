/// Polish PESEL: 11 digits YYMMDDZZZXQ. The month carries the century (+80 for the 1800s, +0,
/// +20, +40, +60 for the 1900s to 2100s) and the date must exist; Q is the check digit with
/// weights 1 3 7 9 1 3 7 9 1 3: (10 − sum mod 10) mod 10.
enum PolishPESELMatcher {
    static let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]

    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let end = b.digitRunEnd(from: p)
        guard end - p == 11, !b.isGluedToToken(before: p), !b.continuesToken(after: end) else { return nil }
        let d = (p..<end).map { ASCII.digitValue(b[$0]) }
        guard isValid(d) else { return nil }
        return p..<end
    }

    static func isValid(_ d: [Int]) -> Bool {
        let sum = zip(d, weights).reduce(0) { $0 + $1.0 * $1.1 }
        guard (10 - sum % 10) % 10 == d[10] else { return false }
        var month = d[2] * 10 + d[3]
        let century: Int
        switch month {
        case 81...92: century = 1800; month -= 80
        case 1...12: century = 1900
        case 21...32: century = 2000; month -= 20
        case 41...52: century = 2100; month -= 40
        case 61...72: century = 2200; month -= 60
        default: return false
        }
        return CalendarDate.isValid(year: century + d[0] * 10 + d[1], month: month, day: d[4] * 10 + d[5])
    }
}
