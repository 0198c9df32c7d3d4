import Foundation

/// `2026-11-26T07:30:00.123Z`: UTC, millisecond precision, fixed width so the text sorts
/// in time order; the one time format of the record and the ledger. Hand-rolled
/// (civil-from-days arithmetic) because it runs for every recorded event, and so formatting and
/// parsing round-trip exactly: one instant has one spelling.
public enum UTCTimestamp {
    /// nil outside the years 0000 to 9999, which the fixed-width form cannot hold.
    public static func string(from date: Date) -> String? {
        guard let milliseconds = milliseconds(of: date), let bytes = spelling(ofMilliseconds: milliseconds) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The date `string(from:)` produced, or nil for any other text (`2026-02-30...` is
    /// refused, not normalised).
    public static func date(from text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
            else { return nil }
            func number(_ range: Range<Int>) -> Int64? {
                var value: Int64 = 0
                for byte in bytes[range] {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                    value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
                let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
                let millisecond = number(20..<23), (1...12).contains(month), (1...31).contains(day), hour < 24,
                minute < 60, second < 60
            else { return nil }
            let days = daysSinceEpoch(year: year, month: month, day: day)
            let milliseconds = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            // One instant, one spelling: what the date formats to must be the text (this refuses
            // day 31 of a 30-day month, which the arithmetic above would roll over).
            guard let back = self.milliseconds(of: date), let spelled = spelling(ofMilliseconds: back),
                  spelled.elementsEqual(bytes) else { return nil }
            return date
        }
    }

    /// Nearest millisecond: a date built from whole milliseconds may sit a hair below its value
    /// in binary floating point, and must not lose a millisecond.
    private static func milliseconds(of date: Date) -> Int64? {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite, abs(milliseconds) < 1e15 else { return nil }
        return Int64(milliseconds)
    }

    /// The 24 ASCII bytes, written in place (this runs for every recorded event and every
    /// entry a verification decodes).
    private static func spelling(ofMilliseconds milliseconds: Int64) -> [UInt8]? {
        let (days, millisecondOfDay) = floorDivide(milliseconds, 86_400_000)
        let (year, month, day) = civilDate(fromDaysSinceEpoch: days)
        guard (0...9999).contains(year) else { return nil }
        let seconds = millisecondOfDay / 1000
        var bytes = [UInt8](repeating: 0, count: 24)
        func digits(_ value: Int64, at offset: Int, width: Int) {
            var value = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        digits(year, at: 0, width: 4)
        bytes[4] = UInt8(ascii: "-")
        digits(month, at: 5, width: 2)
        bytes[7] = UInt8(ascii: "-")
        digits(day, at: 8, width: 2)
        bytes[10] = UInt8(ascii: "T")
        digits(seconds / 3600, at: 11, width: 2)
        bytes[13] = UInt8(ascii: ":")
        digits(seconds / 60 % 60, at: 14, width: 2)
        bytes[16] = UInt8(ascii: ":")
        digits(seconds % 60, at: 17, width: 2)
        bytes[19] = UInt8(ascii: ".")
        digits(millisecondOfDay % 1000, at: 20, width: 3)
        bytes[23] = UInt8(ascii: "Z")
        return bytes
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = ((value % divisor) + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
    private static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivide(shiftedYear, 400).quotient
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilDate(fromDaysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
