// Reading helpers the national-identifier matchers share: the digits of a separated number,
// the alphanumeric token around a trigger, and calendar dates.

extension UnsafeRawBufferPointer {
    /// The token of ASCII letters and digits around `p`: back to `floor` at most, and at most
    /// `limit` bytes each way.
    @inline(__always) func alnumToken(around p: Int, floor: Int, limit: Int) -> Range<Int> {
        var start = p
        while start > floor, p - start < limit, ASCII.isAlnum(byte(start - 1)) { start -= 1 }
        var end = p
        while end < count, end - p < limit, ASCII.isAlnum(self[end]) { end += 1 }
        return start..<end
    }

    /// Digits in groups of the given sizes starting at `p`, the groups separated by one byte out
    /// of `separators` (or by nothing when `contiguousAllowed`); all separators must be the same
    /// unless `mixedSeparators`. Returns the digits and the end, or nil when the text differs.
    func groupedDigits(at p: Int, groups: [Int], separators: [UInt8], contiguousAllowed: Bool = true,
                       mixedSeparators: Bool = false) -> (digits: [Int], end: Int)? {
        var digits: [Int] = []
        digits.reserveCapacity(groups.reduce(0, +))
        var i = p
        var used: UInt8 = 0
        for (index, size) in groups.enumerated() {
            if index > 0 {
                let c = byte(i)
                if separators.contains(c) {
                    if !mixedSeparators, used != 0, used != c { return nil }
                    used = c
                    i += 1
                } else if !contiguousAllowed || used != 0 {
                    return nil
                }
            }
            for _ in 0..<size {
                let c = byte(i)
                guard ASCII.isDigit(c) else { return nil }
                digits.append(ASCII.digitValue(c))
                i += 1
            }
        }
        return (digits, i)
    }
}

enum CalendarDate {
    /// Whether day/month/year (full year) is a real date of the Gregorian calendar.
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// A two-digit year that can be in either of two centuries: valid in at least one.
    static func isValid(twoDigitYear year: Int, month: Int, day: Int) -> Bool {
        isValid(year: 1900 + year, month: month, day: day) || isValid(year: 2000 + year, month: month, day: day)
    }
}

extension Array where Element == Int {
    /// The digits as one number (at most 18 of them).
    var number: Int { reduce(0) { $0 * 10 + $1 } }
}
