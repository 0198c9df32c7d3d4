/// Phone numbers: E.164 (`+` and 8–15 digits) and common national formats with separators
/// (`(555) 123-4567`, `555-123-4567`, `030 1234567`, `020 7946 0958`). Separators are single
/// spaces, hyphens, dots or a parenthesised group. To stay clear of dates, amounts, card and
/// IBAN fragments, a national number needs 9–12 digits in at least two groups and must look
/// like a phone number: a parenthesised area code, a leading trunk `0` (`030`, not `0 …`), or
/// the US 3-3-4 shape (optionally after a country code `1`); no date (4-2-2, 2-2-4) inside.
/// An extension (`x123`, `ext. 123`) belongs to the number; `+49(0)…` is international. A number
/// labelled as something else (`tracking 0123 456789`, `order …`) is not a phone number.
enum PhoneMatcher {
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        var start = p
        var international = false
        if b.byte(p - 1) == ASCII.plus {
            start = p - 1
            international = true
        } else if b.byte(p - 1) == ASCII.openParen {
            start = p - 1
            if b.byte(p - 2) == ASCII.plus { start = p - 2; international = true }
        }
        guard start >= floor, !b.continuesToken(before: start), !followsPrintedIBANGroups(b, start) else { return nil }

        var i = international ? start + 1 : start
        var digits = 0
        var groups = 0
        var groupLengths: (Int, Int, Int) = (0, 0, 0)
        // The last two groups and the separators after them, to spot an embedded date.
        var previousLengths = (0, 0)
        var previousSeparators: (UInt8, UInt8) = (0, 0)
        var containsDate = false
        var parenthesised = false
        var firstDigit: UInt8 = 0
        while true {
            var inParens = false
            if b.byte(i) == ASCII.openParen { inParens = true; i += 1 }
            let groupStart = i
            while i < b.count && ASCII.isDigit(b[i]) { i += 1 }
            let length = i - groupStart
            guard length > 0 else { return nil }
            if inParens {
                guard b.byte(i) == ASCII.closeParen, length <= 5 else { return nil }
                i += 1
                parenthesised = true
            }
            if digits == 0 { firstDigit = b[groupStart] }
            digits += length
            if digits > 15 { return nil }
            switch groups {
            case 0: groupLengths.0 = length
            case 1: groupLengths.1 = length
            case 2: groupLengths.2 = length
            default: break
            }
            groups += 1
            let triple = (previousLengths.0, previousLengths.1, length)
            if (triple == (4, 2, 2) || triple == (2, 2, 4)) && previousSeparators.0 == previousSeparators.1
                && previousSeparators.0 != ASCII.space && !inParens {
                containsDate = true
            }
            previousLengths = (previousLengths.1, length)
            // One separator, then another group; `) ` and `)-` count as a single separator.
            let next = b.byte(i)
            let isSeparator = next == ASCII.space || next == ASCII.hyphen || next == ASCII.dot
            let following = b.byte(i + 1)
            if isSeparator && (ASCII.isDigit(following) || following == ASCII.openParen) {
                previousSeparators = (previousSeparators.1, next)
                i += 1
            } else if inParens && (ASCII.isDigit(next) || next == ASCII.openParen) {
                previousSeparators = (previousSeparators.1, ASCII.closeParen)
                continue
            } else if international && groups == 1 && next == ASCII.openParen {
                // `+49(0)30 1234567`: the country code, then the trunk prefix in parentheses.
                continue
            } else {
                break
            }
        }
        // Most numbers end in a space or punctuation: only look for an extension where one can start.
        let afterNumber = ASCII.lower(b.byte(i)), afterSpace = ASCII.lower(b.byte(i + 1))
        if afterNumber == 0x78 || (afterNumber == ASCII.space && (afterSpace == 0x78 || afterSpace == 0x65)) {
            i = extensionEnd(b, after: i)
        }
        guard !b.continuesToken(after: i), b.byte(i) != ASCII.openParen else { return nil }

        if international {
            guard (8...15).contains(digits) else { return nil }
        } else {
            guard (9...12).contains(digits), groups >= 2 || parenthesised else { return nil }
            // 555-123-4567, or with the country code 1-555-123-4567 / 1 800 555 1234.
            let usShape = (groups == 3 && groupLengths == (3, 3, 4))
                || (groups == 4 && firstDigit == 0x31 && groupLengths == (1, 3, 3) && digits == 11)
            let trunkPrefix = firstDigit == ASCII.zero && groupLengths.0 >= 2
            guard parenthesised || trunkPrefix || usShape else { return nil }
        }
        // dd.mm.yyyy / yyyy-mm-dd next to other digits is a date, not a phone number.
        if containsDate || LabelledNumber.isLabelledOtherwise(b, before: start) { return nil }
        return start..<i
    }

    /// The end of an extension right after the number (`x123`, ` x123`, ` ext. 123`), or `end`.
    static func extensionEnd(_ b: UnsafeRawBufferPointer, after end: Int) -> Int {
        var i = end
        if b.byte(i) == ASCII.space { i += 1 }
        let c = ASCII.lower(b.byte(i))
        if c == 0x78 {                                                     // x
            i += 1
        } else if c == 0x65, ASCII.lower(b.byte(i + 1)) == 0x78, ASCII.lower(b.byte(i + 2)) == 0x74 {   // ext
            i += 3
            if b.byte(i) == ASCII.dot { i += 1 }
            if b.byte(i) == ASCII.space { i += 1 }
        } else {
            return end
        }
        let digitsEnd = b.digitRunEnd(from: i)
        guard (1...6).contains(digitsEnd - i), !ASCII.isAlnum(b.byte(digitsEnd)) else { return end }
        return digitsEnd
    }

    /// True after two space-separated four-character upper-case/digit groups (`NL91 ABNA 0417…`):
    /// the digits are the tail of a printed IBAN that failed validation, not a phone number.
    static func followsPrintedIBANGroups(_ b: UnsafeRawBufferPointer, _ start: Int) -> Bool {
        var end = start
        for _ in 0..<2 {
            guard b.byte(end - 1) == ASCII.space else { return false }
            for k in 2...5 {
                let c = b.byte(end - k)
                guard ASCII.isUpper(c) || ASCII.isDigit(c) else { return false }
            }
            end -= 5
        }
        return !ASCII.isAlnum(b.byte(end - 1))
    }
}
