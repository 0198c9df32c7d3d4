/// Spanish DNI (8 digits + control letter, also printed `12.345.678-Z`) and NIE (X, Y or Z +
/// 7 digits + control letter, also `X-1234567-L`). The letter is the number mod 23 looked up in
/// the official table; for an NIE the prefix letter stands for 0, 1 or 2. An optional hyphen
/// before the control letter is accepted.
enum SpanishDNIMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let run = b.digitRunEnd(from: p) - p
        guard run == 8 || run == 7 || (run == 2 && b.byte(p + 2) == ASCII.dot) else { return nil }
        var start = p
        var number = 0
        let read: (digits: [Int], end: Int)?
        let prefixAt = b.byte(p - 1) == ASCII.hyphen ? p - 2 : p - 1
        let prefix = b.byte(prefixAt)
        if prefixAt >= floor, prefix == 0x58 || prefix == 0x59 || prefix == 0x5A {   // X Y Z
            guard !ASCII.isAlnum(b.byte(prefixAt - 1)) else { return nil }
            guard run == 7 else { return nil }
            read = ((p..<(p + 7)).map { ASCII.digitValue(b[$0]) }, p + 7)
            start = prefixAt
            number = Int(prefix - 0x58)
        } else {
            guard !b.isGluedToToken(before: p) else { return nil }
            if run == 8 {
                read = ((p..<(p + 8)).map { ASCII.digitValue(b[$0]) }, p + 8)
            } else if run == 2 {
                read = b.groupedDigits(at: p, groups: [2, 3, 3], separators: [ASCII.dot], contiguousAllowed: false)
            } else {
                return nil
            }
        }
        guard let (digits, runEnd) = read else { return nil }
        for d in digits { number = number * 10 + d }
        var letterAt = runEnd
        if b.byte(letterAt) == ASCII.hyphen { letterAt += 1 }
        let letter = b.byte(letterAt)
        guard ASCII.isUpper(letter), letter == CheckDigits.dniLetter(for: number),
              !ASCII.isAlnum(b.byte(letterAt + 1)) else { return nil }
        return start..<(letterAt + 1)
    }
}
