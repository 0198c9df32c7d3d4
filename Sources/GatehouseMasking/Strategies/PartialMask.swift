/// The partial strategy: keep just enough to recognise a value, never enough to use it.
///
/// | kind | output |
/// | --- | --- |
/// | email | first character of the local part, `***@`, the domain: `j***@example.com` |
/// | card | last four digits, separators kept: `**** **** **** 1111` |
/// | IBAN | country code and last four characters: `DE** **** **** **** **30 00` |
/// | SSN | last four digits: `***-**-6789` |
/// | phone | `+`, separators and the last two digits: `+** *** ****67` |
/// | IPv4 / IPv6 | first octet / first group: `10.*.*.*`, `2001:*` |
/// | tax ID, BSN, DNI | last two characters |
/// | custom, classified values | first character and `***` (length hidden) |
enum PartialMask {
    static func render(_ value: [UInt8], kind: IdentifierKind) -> [UInt8] {
        switch kind {
        case .email:
            guard let at = value.firstIndex(of: ASCII.at), at > 0 else { return Array("***".utf8) }
            return [value[0]] + Array("***".utf8) + value[at...]
        case .paymentCard, .usSSN:
            return maskAlphanumerics(value, keepFirst: 0, keepLast: 4)
        case .iban:
            return maskAlphanumerics(value, keepFirst: 2, keepLast: 4)
        case .phone:
            return maskAlphanumerics(value, keepFirst: 0, keepLast: 2)
        case .ipv4:
            let firstOctet = value.prefix { $0 != ASCII.dot }
            return Array(firstOctet) + Array(".*.*.*".utf8)
        case .ipv6:
            let firstGroup = value.prefix { $0 != ASCII.colon }
            return Array(firstGroup) + Array(":*".utf8)
        case .germanTaxID, .dutchBSN, .spanishDNI, .frenchNIR, .italianFiscalCode, .polishPESEL, .belgianNationalNumber,
             .portugueseNIF, .swedishPersonalNumber, .danishCPR, .finnishHETU, .austrianSocialSecurityNumber,
             .ukNationalInsuranceNumber, .irishPPSN:
            return maskAlphanumerics(value, keepFirst: 0, keepLast: 2)
        case .custom, .subjectKey:
            return firstCharacterAndStars(value)
        }
    }

    /// Replaces ASCII letters and digits with `*`, except the first/last few; other bytes stay.
    static func maskAlphanumerics(_ value: [UInt8], keepFirst: Int, keepLast: Int) -> [UInt8] {
        let total = value.reduce(0) { $0 + (ASCII.isAlnum($1) ? 1 : 0) }
        var seen = 0
        return value.map { c in
            guard ASCII.isAlnum(c) else { return c }
            defer { seen += 1 }
            return seen < keepFirst || seen >= total - keepLast ? c : ASCII.star
        }
    }

    /// `J***` for any text: works per Unicode scalar, so the output stays valid UTF-8.
    static func firstCharacterAndStars(_ value: [UInt8]) -> [UInt8] {
        let text = String(decoding: value, as: UTF8.self)
        guard let first = text.unicodeScalars.first(where: { !$0.properties.isWhitespace }) else {
            return Array("***".utf8)
        }
        return Array((String(first) + "***").utf8)
    }
}
