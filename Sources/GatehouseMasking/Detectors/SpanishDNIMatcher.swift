/// Spanish DNI (8 digits + control letter) and NIE (X, Y or Z + 7 digits + control letter).
/// The letter is the number mod 23 looked up in the official table; for an NIE the prefix
/// letter stands for 0, 1 or 2. An optional hyphen before the control letter is accepted.
enum SpanishDNIMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let runEnd = b.digitRunEnd(from: p)
        var start = p
        var number = 0
        let prefix = b.byte(p - 1)
        if p - 1 >= floor, prefix == 0x58 || prefix == 0x59 || prefix == 0x5A {   // X Y Z
            guard runEnd - p == 7, !ASCII.isAlnum(b.byte(p - 2)) else { return nil }
            start = p - 1
            number = Int(prefix - 0x58)
        } else {
            guard runEnd - p == 8, !b.continuesToken(before: p) else { return nil }
        }
        for j in p..<runEnd { number = number * 10 + ASCII.digitValue(b[j]) }
        var letterAt = runEnd
        if b.byte(letterAt) == ASCII.hyphen { letterAt += 1 }
        let letter = b.byte(letterAt)
        guard ASCII.isUpper(letter), letter == CheckDigits.dniLetter(for: number),
              !ASCII.isAlnum(b.byte(letterAt + 1)) else { return nil }
        return start..<(letterAt + 1)
    }
}
