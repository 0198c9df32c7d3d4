/// Phone numbers: found by their shape, confirmed against the numbering plans (PhoneNumberingPlan).
///
/// A candidate is groups of digits joined by single separators (space, `-`, `.`, `/`), a group
/// possibly in parentheses (`(030) 123456`, `+49 (0) 30 …`, `(+358) 40 …`), optionally followed
/// by an extension (`x123`, `ext. 123`). Then, by what it starts with:
/// - `+CC` or `00CC`: international. The country code must be assigned and the rest of the
///   digits (without a `(0)` trunk prefix) of a length its plan has.
/// - A parenthesised area code or the US 3-3-4 shape (optionally after `1`): a national number
///   when one of the configured regions has numbers of that length (8-14 digits written). So is
///   a trunk `0` in a group of 2+ digits with more groups after it (`030 1234567`) in a region
///   whose trunk prefix is `0`; elsewhere (Italy) the number must lie in an allocated range.
/// - Anything else (a bare run of 8-12 digits that is no compact date, `697 628 049`, `58 21 41 14`) is weak evidence:
///   a national number only when it lies in a range a configured region's plan allocates, with
///   groups of 2-4 digits joined by spaces or hyphens only.
/// Never: a date shape (`2024-05-01`, `01 02 2024`), weak groups with a year among them
/// (`2014 2012`), a number labelled as something else
/// (`tracking 0123 456789`), an amount (`€ 12 345 678`, `12 345 678,90`).
enum PhoneMatcher {
    /// The phone number starting at `p`, if it is longer than `longerThan` bytes (a match another
    /// detector already found there): the numbering plans are only consulted when it would win.
    ///
    /// `startsValidatedIdentifier` says whether a check-digit validated identifier (a card, a US
    /// SSN…) starts at an offset: a number with its own `+` or `(` ends before one.
    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int, plan: PhoneNumberingPlan,
                      longerThan: Int = 0, startsValidatedIdentifier: (Int) -> Bool = { _ in false }) -> Range<Int>? {
        // Where the number starts. A `(` only opens an area code or country code that closes
        // right after its digits; otherwise it is prose around the number (`(780-463-0414)`).
        let firstRunEnd = b.digitRunEnd(from: p)
        let closesAfterFirstGroup = b.byte(firstRunEnd) == ASCII.closeParen && firstRunEnd - p <= 5
        var start = p
        var international = false
        var inParens = false
        if b.byte(p - 1) == ASCII.plus {
            start = p - 1
            international = true
            if b.byte(p - 2) == ASCII.openParen && closesAfterFirstGroup { start = p - 2; inParens = true }   // (+358) 40 …
        } else if b.byte(p - 1) == ASCII.openParen && closesAfterFirstGroup {
            start = p - 1
            inParens = true
            if b.byte(p - 2) == ASCII.plus { start = p - 2; international = true }                             // +(49) 30 …
        }
        // A `+` or `(` is strong evidence of its own: after any number it still starts one.
        let continues = international || inParens ? b.isGluedToToken(before: start) : b.continuesToken(before: start)
        guard start >= floor, !continues, !isInsideCode(b, before: start),
              !followsPrintedIBANGroups(b, start, floor: floor) else { return nil }

        let whole = candidate(b, at: p, start: start, international: international, inParens: inParens, plan: plan,
                              longerThan: longerThan, maxGroups: .max)
        if let found = whole.match { return found }
        // `+49 30 1234567 4111 1111 1111 1111`, `(555) 123-4567 2026-12-07`: a number that starts
        // with its own `+` or `(` can be followed by another number, which made the whole run
        // fail; its leading groups are tried, longest first, ending before a validated identifier
        // if one follows (so that neither is cut), else at the longest that is a number. (Not in
        // national format, where the leading groups of a long number often pass for a phone number.)
        guard international || inParens, whole.groups > 2 else { return nil }
        var longest: Range<Int>?
        for groups in stride(from: whole.groups - 1, through: 2, by: -1) {
            guard let found = candidate(b, at: p, start: start, international: international, inParens: inParens, plan: plan,
                                        longerThan: longerThan, maxGroups: groups).match else { continue }
            let next = found.upperBound + 1
            if ASCII.isDigit(b.byte(next)) && startsValidatedIdentifier(next) { return found }
            longest = longest ?? found
        }
        return longest
    }

    /// The number made of at most `maxGroups` groups from `p`, if it is one, and how many groups
    /// were read.
    private static func candidate(_ b: UnsafeRawBufferPointer, at p: Int, start: Int, international: Bool, inParens: Bool,
                                  plan: PhoneNumberingPlan, longerThan: Int, maxGroups: Int) -> (match: Range<Int>?, groups: Int) {
        let startsInParens = inParens
        var inParens = inParens
        var shape = Shape()
        var lastGroupLength = 0
        var i = p
        while true {
            if shape.groups > 0 && b.byte(i) == ASCII.openParen { inParens = true; i += 1 }
            let groupStart = i
            i = b.digitRunEnd(from: i)
            let length = i - groupStart
            lastGroupLength = length
            guard length > 0 else { return (nil, shape.groups) }
            if inParens {
                guard b.byte(i) == ASCII.closeParen, length <= 5 else { return (nil, shape.groups) }
                i += 1
                shape.parenthesised = true
                // `+49 (0) 30 …`: the trunk prefix, not dialled from abroad.
                if international && shape.groups == 1 && length == 1 && b[groupStart] == ASCII.zero { shape.trunkInParens = groupStart }
            }
            guard shape.add(group: length, first: b[groupStart]) else { return (nil, shape.groups) }
            if shape.groups >= maxGroups { break }
            if length == 4 {
                shape.hasYearGroup = shape.hasYearGroup || (1900...2099).contains(Shape.value(b, groupStart, 4))
            }
            // One separator and another group; after `)` or a country code, a `(` or digit may follow directly.
            let next = b.byte(i), following = b.byte(i + 1)
            let isSeparator = next == ASCII.space || next == ASCII.hyphen || next == ASCII.dot || next == ASCII.slash
            if isSeparator && (ASCII.isDigit(following) || following == ASCII.openParen) {
                shape.add(separator: next)
                i += 1
            } else if next == ASCII.slash && following == ASCII.space && ASCII.isDigit(b.byte(i + 2)) {
                shape.add(separator: next)                                                      // 08/ 372 40 89
                i += 2
            } else if (inParens && ASCII.isDigit(next)) || (next == ASCII.openParen && (inParens || (international && shape.groups == 1))) {
                shape.add(separator: ASCII.closeParen)
            } else {
                break
            }
            inParens = false
        }
        let numberEnd = i
        // `030 1234567 10:30`, `… 1234567 2001:db8::42`: a last group that runs on into a time or
        // an IPv6 address is that token's; the number is read without it.
        let next = b.byte(numberEnd + 1)
        if shape.groups > 1 && lastGroupLength <= 4 && b.byte(numberEnd) == ASCII.colon && (ASCII.isHex(next) || next == ASCII.colon) {
            return candidate(b, at: p, start: start, international: international, inParens: startsInParens, plan: plan,
                             longerThan: longerThan, maxGroups: shape.groups - 1)
        }
        // Most numbers end in a space or punctuation: only look for an extension where one can start.
        let afterNumber = ASCII.lower(b.byte(i)), afterSpace = ASCII.lower(b.byte(i + 1))
        if afterNumber == 0x78 || (afterNumber == ASCII.space && (afterSpace == 0x78 || afterSpace == 0x65)) {
            i = extensionEnd(b, after: i)
        }
        // Cheapest first: most candidates in prose are short numbers (`12.50`, `2024-05-01`).
        guard shape.digits >= 7, i - start > longerThan, !b.continuesToken(after: i), !isInsideCode(b, after: i),
              b.byte(i) != ASCII.openParen, !shape.isDate(b, from: p),
              // A label (`order 0123 456789`) says what a national-format number is; a `+` or `(`
              // of its own says it is a phone number whatever word comes before it.
              international || startsInParens || !LabelledNumber.isLabelledOtherwise(b, before: start)
        else { return (nil, shape.groups) }

        // The digits alone, on the stack (this runs for every number-shaped candidate).
        let accepted = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 18) { buffer -> Bool in
            var count = 0
            for k in p..<numberEnd where ASCII.isDigit(b[k]) && k != shape.trunkInParens && count < buffer.count {
                buffer[count] = b[k]
                count += 1
            }
            let digits = UnsafeBufferPointer(rebasing: buffer[..<count])
            if international { return count >= 7 && plan.isPossibleInternational(digits) }
            // `00` is the international call prefix in most of Europe: `0049 30 …`, `001-413-…`.
            if count >= 10 && digits[0] == ASCII.zero && digits[1] == ASCII.zero
                && plan.isPossibleInternational(UnsafeBufferPointer(rebasing: digits[2...])) {
                return true
            }
            guard (8...14).contains(count), !isAmount(b, start: start, end: numberEnd) else { return false }
            let evidence = shape.nationalEvidence
            guard evidence != .weak || (shape.isPlausibleWeakGrouping && !shape.hasYearGroup) else { return false }
            return plan.acceptsNational(digits, evidence: evidence)
        }
        return (accepted ? start..<i : nil, shape.groups)
    }

    /// What the groups of a candidate look like, gathered as they are read.
    struct Shape {
        var digits = 0
        var groups = 0
        var firstGroupLength = 0
        var firstDigit: UInt8 = 0
        var groupLengths: (Int, Int, Int, Int) = (0, 0, 0, 0)
        var shortestGroup = Int.max, longestGroup = 0
        var separators: (first: UInt8, allSame: Bool) = (0, true)
        var parenthesised = false
        /// A group of four digits from 1900 to 2099 among others (`2014 2012`, `51 59 2022`): in a
        /// weak shape, years and counts in prose or a table's columns, not a phone number.
        var hasYearGroup = false
        /// `yyyy-mm-dd` or `dd.mm.yyyy` among the groups (`030 2024-05-12`): the last two groups and
        /// the separators after them, to spot one as groups are added.
        var recentLengths = (0, 0), recentSeparators: (UInt8, UInt8) = (0, 0)
        var containsDate = false
        /// The index of the `0` in `+49 (0) 30 …`, left out of the digits.
        var trunkInParens = -1

        /// False when the candidate has grown longer than any phone number.
        mutating func add(group length: Int, first: UInt8) -> Bool {
            if groups == 0 { firstGroupLength = length; firstDigit = first }
            switch groups {
            case 0: groupLengths.0 = length
            case 1: groupLengths.1 = length
            case 2: groupLengths.2 = length
            case 3: groupLengths.3 = length
            default: break
            }
            let triple = (recentLengths.0, recentLengths.1, length)
            if (triple == (4, 2, 2) || triple == (2, 2, 4)) && recentSeparators.0 == recentSeparators.1
                && recentSeparators.0 != ASCII.space && recentSeparators.0 != ASCII.closeParen {
                containsDate = true
            }
            recentLengths = (recentLengths.1, length)
            groups += 1
            digits += length
            shortestGroup = min(shortestGroup, length)
            longestGroup = max(longestGroup, length)
            return digits <= 17 && groups <= 8
        }

        mutating func add(separator: UInt8) {
            recentSeparators = (recentSeparators.1, separator)
            if separators.first == 0 { separators.first = separator } else if separator != separators.first { separators.allSame = false }
        }

        /// A parenthesised area code or the US shape; else a written trunk `0` followed by more groups.
        var nationalEvidence: PhoneNumberingPlan.NationalEvidence {
            let usShape = (groups == 3 && groupLengths.0 == 3 && groupLengths.1 == 3 && groupLengths.2 == 4)
                || (groups == 4 && firstDigit == 0x31 && groupLengths == (1, 3, 3, 4))
            if parenthesised || usShape { return .shape }
            return firstDigit == ASCII.zero && firstGroupLength >= 2 && groups >= 2 ? .trunkPrefix : .weak
        }

        /// A bare run of 8-12 digits, or 2-4 digit groups joined by the same space or hyphen, but
        /// not the US social security layout (`666-45-1234`, 3-2-4), which no numbering plan writes.
        var isPlausibleWeakGrouping: Bool {
            if groups == 1 { return (8...12).contains(digits) }
            let socialSecurityLayout = groups == 3 && groupLengths.0 == 3 && groupLengths.1 == 2 && groupLengths.2 == 4
            return !socialSecurityLayout && shortestGroup >= 2 && longestGroup <= 4 && separators.allSame
                && (separators.first == ASCII.space || separators.first == ASCII.hyphen)
        }

        /// A date among the groups (`030 2024-05-12`), or groups starting with a day, a month and a
        /// year whatever the separators (`01 02 2024`, `2024-05-01 12`).
        func isDate(_ b: UnsafeRawBufferPointer, from p: Int) -> Bool {
            if containsDate { return true }
            if groups == 1 && digits == 8 {                                       // 20240501, 01052024
                let head = Self.value(b, p, 4), month = Self.value(b, p + 4, 2), day = Self.value(b, p + 6, 2)
                let compactISO = (1900...2099).contains(head) && (1...12).contains(month) && (1...31).contains(day)
                let d = Self.value(b, p, 2), m = Self.value(b, p + 2, 2), year = Self.value(b, p + 4, 4)
                return compactISO || ((1...31).contains(d) && (1...12).contains(m) && (1900...2099).contains(year))
            }
            guard groups >= 3, !parenthesised else { return false }
            let shape = (groupLengths.0, groupLengths.1, groupLengths.2)
            guard shape == (4, 2, 2) || shape == (2, 2, 4) else { return false }
            let a = Self.value(b, p, groupLengths.0)
            let bStart = p + groupLengths.0 + 1
            let m = Self.value(b, bStart, 2)
            let c = Self.value(b, bStart + 3, groupLengths.2)
            if shape == (4, 2, 2) { return (1...12).contains(m) && (1...31).contains(c) }
            return (1...31).contains(a) && (1...31).contains(m) && (a <= 12 || m <= 12) && c >= 1000
        }

        static func value(_ b: UnsafeRawBufferPointer, _ from: Int, _ length: Int) -> Int {
            b.decimalValue(from: from, count: length)
        }
    }

    /// Digits joined to letters by a hyphen or slash (`RE-2021-8962`, `…bdd-6713-4417-b90f…`), or
    /// after `#`, are part of a reference or an ID, not a phone number.
    static func isInsideCode(_ b: UnsafeRawBufferPointer, before start: Int) -> Bool {
        let joiner = b.byte(start - 1)
        if joiner == 0x23 { return true }                                                      // #7953 50 21
        return (joiner == ASCII.hyphen || joiner == ASCII.slash) && ASCII.isLetter(b.byte(start - 2))
    }

    static func isInsideCode(_ b: UnsafeRawBufferPointer, after end: Int) -> Bool {
        let joiner = b.byte(end)
        return (joiner == ASCII.hyphen || joiner == ASCII.slash) && ASCII.isLetter(b.byte(end + 1))
    }

    /// `12 345 678,90`, `€ 12 345 678`, `$ 1 234 5678`: digit groups that are a sum of money.
    static func isAmount(_ b: UnsafeRawBufferPointer, start: Int, end: Int) -> Bool {
        if (b.byte(end) == 0x2C || b.byte(end) == ASCII.dot) && ASCII.isDigit(b.byte(end + 1)) { return true }   // decimals
        let before = b.byte(start - 1) == ASCII.space ? start - 2 : start - 1
        let c = b.byte(before)
        let euro = c == 0xAC && b.byte(before - 1) == 0x82 && b.byte(before - 2) == 0xE2
        return c == 0x24 || euro || (c == 0xA3 && b.byte(before - 1) == 0xC2)                                    // $ € £
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
    /// Groups that were an identifier found before (`floor`: a card `4111 1111 1111 1111`) are not.
    static func followsPrintedIBANGroups(_ b: UnsafeRawBufferPointer, _ start: Int, floor: Int) -> Bool {
        var end = start
        for _ in 0..<2 {
            guard b.byte(end - 1) == ASCII.space, end - 5 >= floor else { return false }
            for k in 2...5 {
                let c = b.byte(end - k)
                guard ASCII.isUpper(c) || ASCII.isDigit(c) else { return false }
            }
            end -= 5
        }
        return !ASCII.isAlnum(b.byte(end - 1))
    }
}
