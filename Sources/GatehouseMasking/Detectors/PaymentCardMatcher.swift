/// Payment card numbers: 12–19 digits, optionally grouped with one kind of single separator
/// (space or hyphen), Luhn-valid, with a known issuer prefix and a length that issuer uses, and
/// not part of a longer number.
enum PaymentCardMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        guard !b.isGluedToToken(before: p) else { return nil }
        var i = p
        var digits = 0
        var prefix = 0          // the first six digits, for the issuer check
        var separator: UInt8 = 0
        var best: Range<Int>? = nil
        while true {
            // One group of digits.
            while i < b.count && ASCII.isDigit(b[i]) {
                if digits < 6 { prefix = prefix * 10 + ASCII.digitValue(b[i]) }
                digits += 1
                i += 1
                if digits > 19 { return best }
            }
            // A candidate ends at every group boundary that is not inside a longer token.
            if digits >= 12 && !b.continuesToken(after: i)
                && hasKnownIssuer(prefix: prefix, prefixDigits: min(digits, 6), length: digits)
                && CheckDigits.luhnValid(b, p..<i) {
                best = p..<i
            }
            let next = b.byte(i)
            guard next == ASCII.space || next == ASCII.hyphen, ASCII.isDigit(b.byte(i + 1)) else { break }
            if separator == 0 { separator = next } else if separator != next { break }
            i += 1
        }
        return best
    }

    /// Issuer identification ranges and lengths: Visa, Mastercard, Amex, Discover, JCB, Diners,
    /// Mir, RuPay, UnionPay and Maestro (docs/masking.md has the table).
    static func hasKnownIssuer(prefix: Int, prefixDigits: Int, length: Int) -> Bool {
        var six = prefix
        for _ in prefixDigits..<6 { six *= 10 }
        let p1 = six / 100_000, p2 = six / 10_000, p3 = six / 1_000, p4 = six / 100
        switch p1 {
        case 4: return length == 13 || length == 16 || length == 19                      // Visa
        default: break
        }
        if (51...55).contains(p2) || (2221...2720).contains(p4) { return length == 16 }  // Mastercard
        if p2 == 34 || p2 == 37 { return length == 15 }                                   // Amex
        if p4 == 6011 || p2 == 65 || (644...649).contains(p3) { return length >= 16 }   // Discover
        if (3528...3589).contains(p4) { return length >= 16 }                             // JCB
        if p4 == 1800 || p4 == 2131 { return length == 15 }                               // JCB, 15 digits
        if (2200...2204).contains(p4) { return length >= 16 }                             // Mir
        if p2 == 81 || p2 == 82 || p3 == 508 { return length == 16 }                     // RuPay
        if p2 == 36 || p2 == 38 || (300...305).contains(p3) { return length >= 14 }      // Diners
        if p2 == 50 || (56...69).contains(p2) { return length >= 12 }                    // Maestro, UnionPay (62), RuPay (60, 65)
        return false
    }
}
