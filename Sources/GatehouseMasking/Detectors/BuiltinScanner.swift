/// The single pass over the bytes: jump from trigger to trigger, run the enabled validating
/// matchers there, keep the longest match (ties go to the earlier, stricter matcher), and resume
/// after it. Matches never overlap: look-behind stops at the end of the previous match (`floor`).
struct BuiltinScanner: Sendable {
    var email = false, paymentCard = false, iban = false, usSSN = false, phone = false
    var ipv4 = false, ipv6 = false, germanTaxID = false, dutchBSN = false, spanishDNI = false
    /// The enabled national-identifier matchers of the other countries, strictest first.
    var nationalIDs: [(kind: IdentifierKind, match: Matcher)] = []

    typealias Matcher = @Sendable (UnsafeRawBufferPointer, Int, Int) -> Range<Int>?

    /// Ordered so that ties go to the stricter check (a check letter over a check digit over a date).
    static let nationalIDMatchers: [(kind: IdentifierKind, match: Matcher)] = [
        (.italianFiscalCode, { ItalianFiscalCodeMatcher.match($0, at: $1, floor: $2) }),
        (.finnishHETU, { FinnishPersonalIdentityCodeMatcher.match($0, at: $1, floor: $2) }),
        (.irishPPSN, { IrishPPSNMatcher.match($0, at: $1, floor: $2) }),
        (.frenchNIR, { FrenchNIRMatcher.match($0, at: $1, floor: $2) }),
        (.polishPESEL, { PolishPESELMatcher.match($0, at: $1, floor: $2) }),
        (.belgianNationalNumber, { BelgianNationalNumberMatcher.match($0, at: $1, floor: $2) }),
        (.swedishPersonalNumber, { SwedishPersonalNumberMatcher.match($0, at: $1, floor: $2) }),
        (.austrianSocialSecurityNumber, { AustrianSocialSecurityNumberMatcher.match($0, at: $1, floor: $2) }),
        (.portugueseNIF, { PortugueseNIFMatcher.match($0, at: $1, floor: $2) }),
        (.ukNationalInsuranceNumber, { UKNationalInsuranceNumberMatcher.match($0, at: $1, floor: $2) }),
        (.danishCPR, { DanishCPRMatcher.match($0, at: $1, floor: $2) }),
    ]

    init(kinds: Set<IdentifierKind>) {
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
        nationalIDs = Self.nationalIDMatchers.filter { kinds.contains($0.kind) }
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
            } else {
                // Stricter, check-digit validated matchers first: they win ties.
                if iban { consider(IBANMatcher.match(b, at: i, floor: floor), .iban) }
                if paymentCard { consider(PaymentCardMatcher.match(b, at: i, floor: floor), .paymentCard) }
                if germanTaxID { consider(GermanTaxIDMatcher.match(b, at: i, floor: floor), .germanTaxID) }
                if dutchBSN { consider(DutchBSNMatcher.match(b, at: i, floor: floor), .dutchBSN) }
                if spanishDNI { consider(SpanishDNIMatcher.match(b, at: i, floor: floor), .spanishDNI) }
                for national in nationalIDs { consider(national.match(b, i, floor), national.kind) }
                if usSSN { consider(USSocialSecurityMatcher.match(b, at: i, floor: floor), .usSSN) }
                if ipv4 { consider(IPv4Matcher.match(b, at: i, floor: floor), .ipv4) }
                if phone { consider(PhoneMatcher.match(b, at: i, floor: floor), .phone) }
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
        let groupedNext = next == ASCII.space || next == ASCII.hyphen || next == ASCII.dot || next == ASCII.closeParen
        if groupedNext {
            let after = b.byte(end + 1)
            return !(ASCII.isDigit(after) || after == ASCII.openParen)
        }
        return true
    }
}
