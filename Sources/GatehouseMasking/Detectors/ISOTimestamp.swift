/// An ISO 8601 date or timestamp (`2026-12-07`, `2026-12-07T10:00:00Z`,
/// `2026-12-07 10:00:00.123+01:00`), the first thing on most log lines. No identifier has this
/// shape, so the scanner steps over it whole instead of offering each of its numbers to every
/// matcher (the phone matcher refuses dates too, at a much higher price per line).
enum ISOTimestamp {
    /// The end of the date or timestamp starting at `p`, or nil when there is none there. Only a
    /// whole token counts: nothing alphanumeric may touch it on either side.
    static func end(_ b: UnsafeRawBufferPointer, at p: Int) -> Int? {
        guard !ASCII.isAlnum(b.byte(p - 1)), b.byte(p + 4) == ASCII.hyphen, b.byte(p + 7) == ASCII.hyphen,
              digits(b, p, 4), digits(b, p + 5, 2), digits(b, p + 8, 2),
              (1900...2099).contains(b.decimalValue(from: p, count: 4)), (1...12).contains(b.decimalValue(from: p + 5, count: 2)),
              (1...31).contains(b.decimalValue(from: p + 8, count: 2))
        else { return nil }
        var end = p + 10
        let separator = b.byte(end)
        if (separator == UInt8(ascii: "T") || separator == ASCII.space), let time = timeEnd(b, at: end + 1) {
            end = time
        } else if separator == UInt8(ascii: "T") {
            return nil
        }
        return ASCII.isAlnum(b.byte(end)) ? nil : end
    }

    /// `hh:mm[:ss[.fraction]][Z|±hh:mm]` at `p`.
    private static func timeEnd(_ b: UnsafeRawBufferPointer, at p: Int) -> Int? {
        guard digits(b, p, 2), b.byte(p + 2) == ASCII.colon, digits(b, p + 3, 2),
              b.decimalValue(from: p, count: 2) < 24, b.decimalValue(from: p + 3, count: 2) < 60 else { return nil }
        var end = p + 5
        if b.byte(end) == ASCII.colon, digits(b, end + 1, 2), b.decimalValue(from: end + 1, count: 2) < 61 {
            end += 3
            if b.byte(end) == ASCII.dot || b.byte(end) == UInt8(ascii: ",") {
                let fraction = b.digitRunEnd(from: end + 1)
                if fraction > end + 1 { end = fraction }
            }
        }
        let zone = b.byte(end)
        if zone == UInt8(ascii: "Z") {
            end += 1
        } else if (zone == ASCII.plus || zone == ASCII.hyphen), digits(b, end + 1, 2), b.byte(end + 3) == ASCII.colon,
                  digits(b, end + 4, 2) {
            end += 6
        }
        return end
    }

    private static func digits(_ b: UnsafeRawBufferPointer, _ from: Int, _ count: Int) -> Bool {
        (from..<(from + count)).allSatisfy { ASCII.isDigit(b.byte($0)) }
    }
}
