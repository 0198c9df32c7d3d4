/// The single pass over the bytes: jump from trigger to trigger, run the enabled validating
/// matchers there, keep the longest match (ties go to the earlier, stricter matcher), and resume
/// after it. Matches never overlap: look-behind stops at the end of the previous match (`floor`).
struct BuiltinScanner: Sendable {
    var email = false, paymentCard = false, iban = false, usSSN = false, phone = false
    var ipv4 = false, ipv6 = false, germanTaxID = false, dutchBSN = false, spanishDNI = false
    // The national identifiers of the other countries (docs/masking.md).
    var italianFiscalCode = false, finnishHETU = false, irishPPSN = false, frenchNIR = false, polishPESEL = false
    var belgianNationalNumber = false, swedishPersonalNumber = false, austrianSSN = false, portugueseNIF = false
    var ukNINO = false, danishCPR = false
    let phonePlan: PhoneNumberingPlan

    init(kinds: Set<IdentifierKind>, phonePlan: PhoneNumberingPlan) {
        self.phonePlan = phonePlan
        email = kinds.contains(.email)
        paymentCard = kinds.contains(.paymentCard)
        iban = kinds.contains(.iban)
        usSSN = kinds.contains(.usSSN)
        phone = kinds.contains(.phone)
        ipv4 = kinds.contains(.ipv4)
        ipv6 = kinds.contains(.ipv6)
        germanTaxID = kinds.contains(.germanTaxID)
        dutchBSN = kinds.contains(.dutchBSN)
        spanishDNI = kinds.contains(.spanishDNI)
        italianFiscalCode = kinds.contains(.italianFiscalCode)
        finnishHETU = kinds.contains(.finnishHETU)
        irishPPSN = kinds.contains(.irishPPSN)
        frenchNIR = kinds.contains(.frenchNIR)
        polishPESEL = kinds.contains(.polishPESEL)
        belgianNationalNumber = kinds.contains(.belgianNationalNumber)
        swedishPersonalNumber = kinds.contains(.swedishPersonalNumber)
        austrianSSN = kinds.contains(.austrianSocialSecurityNumber)
        portugueseNIF = kinds.contains(.portugueseNIF)
        ukNINO = kinds.contains(.ukNationalInsuranceNumber)
        danishCPR = kinds.contains(.danishCPR)
    }

    func scan(_ b: UnsafeRawBufferPointer) -> [Detection] {
        var found: [Detection] = []
        var floor = 0
        var i = 0
        let n = b.count
        while true {
            i = TriggerScanner.next(in: b, from: i)
            guard i < n else { break }
            let c = b[i]
            var best: Range<Int>? = nil
            var bestKind = IdentifierKind.custom
            @inline(__always) func consider(_ range: Range<Int>?, _ kind: IdentifierKind) {
                if let range, range.count > (best?.count ?? 0) { best = range; bestKind = kind }
            }
            if c == ASCII.at {
                if email { consider(EmailMatcher.match(b, at: i, floor: floor), .email) }
            } else if c == ASCII.colon {
                if ipv6 { consider(IPv6Matcher.match(b, at: i, floor: floor), .ipv6) }
            } else if Self.isLoneShortNumber(b, at: i) {
                // Most numbers in prose ("42 items", "10:30"): no matcher can accept them.
            } else if let end = ISOTimestamp.end(b, at: i) {
                i = end
                continue
            } else {
                // Stricter, check-digit validated matchers first: they win ties.
                if iban { consider(IBANMatcher.match(b, at: i, floor: floor), .iban) }
                if paymentCard { consider(PaymentCardMatcher.match(b, at: i, floor: floor), .paymentCard) }
                if germanTaxID { consider(GermanTaxIDMatcher.match(b, at: i, floor: floor), .germanTaxID) }
                if dutchBSN { consider(DutchBSNMatcher.match(b, at: i, floor: floor), .dutchBSN) }
                if spanishDNI { consider(SpanishDNIMatcher.match(b, at: i, floor: floor), .spanishDNI) }
                // Only the national identifiers that can start with a digit run of this length; in
                // each case the stricter check first (a check letter over a check digit over a date).
                let run = b.digitRunEnd(from: i) - i
                switch run < 7 && !Self.continuesIntoIdentifier(b, after: i + run) ? 0 : run {
                case 1:
                    if italianFiscalCode { consider(ItalianFiscalCodeMatcher.match(b, at: i, floor: floor), .italianFiscalCode) }
                    if frenchNIR { consider(FrenchNIRMatcher.match(b, at: i, floor: floor), .frenchNIR) }
                case 2:
                    if italianFiscalCode { consider(ItalianFiscalCodeMatcher.match(b, at: i, floor: floor), .italianFiscalCode) }
                    if belgianNationalNumber { consider(BelgianNationalNumberMatcher.match(b, at: i, floor: floor), .belgianNationalNumber) }
                    if ukNINO { consider(UKNationalInsuranceNumberMatcher.match(b, at: i, floor: floor), .ukNationalInsuranceNumber) }
                case 3:
                    if italianFiscalCode { consider(ItalianFiscalCodeMatcher.match(b, at: i, floor: floor), .italianFiscalCode) }
                    if portugueseNIF { consider(PortugueseNIFMatcher.match(b, at: i, floor: floor), .portugueseNIF) }
                case 4:
                    if austrianSSN { consider(AustrianSocialSecurityNumberMatcher.match(b, at: i, floor: floor), .austrianSocialSecurityNumber) }
                case 6:
                    if finnishHETU { consider(FinnishPersonalIdentityCodeMatcher.match(b, at: i, floor: floor), .finnishHETU) }
                    if frenchNIR { consider(FrenchNIRMatcher.match(b, at: i, floor: floor), .frenchNIR) }
                    if belgianNationalNumber { consider(BelgianNationalNumberMatcher.match(b, at: i, floor: floor), .belgianNationalNumber) }
                    if swedishPersonalNumber { consider(SwedishPersonalNumberMatcher.match(b, at: i, floor: floor), .swedishPersonalNumber) }
                    if ukNINO { consider(UKNationalInsuranceNumberMatcher.match(b, at: i, floor: floor), .ukNationalInsuranceNumber) }
                    if danishCPR { consider(DanishCPRMatcher.match(b, at: i, floor: floor), .danishCPR) }
                case 7:
                    if irishPPSN { consider(IrishPPSNMatcher.match(b, at: i, floor: floor), .irishPPSN) }
                case 8, 12:
                    if swedishPersonalNumber { consider(SwedishPersonalNumberMatcher.match(b, at: i, floor: floor), .swedishPersonalNumber) }
                case 9:
                    if portugueseNIF { consider(PortugueseNIFMatcher.match(b, at: i, floor: floor), .portugueseNIF) }
                case 10:
                    if austrianSSN { consider(AustrianSocialSecurityNumberMatcher.match(b, at: i, floor: floor), .austrianSocialSecurityNumber) }
                case 11:
                    if polishPESEL { consider(PolishPESELMatcher.match(b, at: i, floor: floor), .polishPESEL) }
                    if belgianNationalNumber { consider(BelgianNationalNumberMatcher.match(b, at: i, floor: floor), .belgianNationalNumber) }
                case 15:
                    if frenchNIR { consider(FrenchNIRMatcher.match(b, at: i, floor: floor), .frenchNIR) }
                default:
                    break
                }
                if usSSN { consider(USSocialSecurityMatcher.match(b, at: i, floor: floor), .usSSN) }
                if ipv4 { consider(IPv4Matcher.match(b, at: i, floor: floor), .ipv4) }
                if phone {
                    consider(PhoneMatcher.match(b, at: i, floor: floor, plan: phonePlan, longerThan: best?.count ?? 0,
                                                startsValidatedIdentifier: { startsValidatedIdentifier(b, at: $0) }), .phone)
                }
            }
            if let best {
                found.append(Detection(range: best, kind: bestKind))
                floor = best.upperBound
                i = max(i + 1, best.upperBound)
            } else if ASCII.isDigit(c) {
                // No identifier starts inside a digit run that failed at its first digit.
                i = b.digitRunEnd(from: i)
            } else {
                i += 1
            }
        }
        return found
    }

    /// Whether an enabled, check-digit validated identifier that starts with a digit starts at `q`.
    func startsValidatedIdentifier(_ b: UnsafeRawBufferPointer, at q: Int) -> Bool {
        (paymentCard && PaymentCardMatcher.match(b, at: q, floor: q) != nil)
            || (usSSN && USSocialSecurityMatcher.match(b, at: q, floor: q) != nil)
            || (ipv4 && IPv4Matcher.match(b, at: q, floor: q) != nil)
            || (germanTaxID && GermanTaxIDMatcher.match(b, at: q, floor: q) != nil)
            || (dutchBSN && DutchBSNMatcher.match(b, at: q, floor: q) != nil)
            || (spanishDNI && SpanishDNIMatcher.match(b, at: q, floor: q) != nil)
    }

    /// Whether a short digit run ending at `end` goes on as an identifier can: into a letter
    /// (`010101A123N`, `2A`), or a separator and a digit (`85.07.30`, `131052-308T`, `1237 010180`).
    /// Numbers in prose ("12 items", "3, 4") do not, and are not offered to the national matchers.
    @inline(__always) static func continuesIntoIdentifier(_ b: UnsafeRawBufferPointer, after end: Int) -> Bool {
        let next = b.byte(end)
        if ASCII.isLetter(next) { return true }
        let separator = next == ASCII.space || next == ASCII.hyphen || next == ASCII.dot || next == ASCII.plus
        return separator && ASCII.isDigit(b.byte(end + 1))
    }

    /// A run of fewer than 7 digits with no separator-and-digit (or letter-and-digit) after it and
    /// no `+`, `(` or letter before it: too short for any identifier and not the start of a grouped one.
    @inline(__always) static func isLoneShortNumber(_ b: UnsafeRawBufferPointer, at p: Int) -> Bool {
        let end = b.digitRunEnd(from: p)
        guard end - p < 7 else { return false }
        let previous = b.byte(p - 1)
        if previous == ASCII.plus || previous == ASCII.openParen || ASCII.isLetter(previous) { return false }
        let next = b.byte(end)
        // A letter between digits continues an identifier (a Finnish century sign, Corsica's 2A).
        if ASCII.isLetter(next) && ASCII.isDigit(b.byte(end + 1)) { return false }
        let groupedNext = next == ASCII.space || next == ASCII.hyphen || next == ASCII.dot || next == ASCII.slash
            || next == ASCII.closeParen
        if groupedNext {
            let after = b.byte(end + 1)
            if next == ASCII.slash && after == ASCII.space { return !ASCII.isDigit(b.byte(end + 2)) }   // 08/ 372 40 89
            return !(ASCII.isDigit(after) || after == ASCII.openParen)
        }
        return true
    }
}
