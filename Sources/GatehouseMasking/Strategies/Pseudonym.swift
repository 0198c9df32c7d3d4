import GatehouseCore
import Crypto

/// The pseudonym strategy: HMAC-SHA256(pseudonymKey, normalised value) rendered in the original
/// shape. Same value and key give the same pseudonym; another key gives another. Shapes are
/// chosen so a pseudonym is recognisably not a real identifier (and is not re-detected):
///
/// | kind | shape |
/// | --- | --- |
/// | email | `user_<12 hex>@masked.invalid` (RFC 2606 reserved TLD) |
/// | card | same digit count and separators, prefix `99` (ISO/IEC 7812 MII 9, no card issuer), Luhn-valid |
/// | IBAN | same country, length and spacing, check digits `00` (never valid under mod-97) |
/// | SSN | `9GG-GG-GGGG`: area 9xx is never issued |
/// | IPv4 | `240.x.y.z` (reserved class E) |
/// | IPv6 | `2001:db8:…` (RFC 3849 documentation prefix), eight groups |
/// | phone, tax ID, BSN, DNI | digits for digits, letters for letters, separators kept |
/// | custom, classified values | `<name>_<12 hex>` |
struct Pseudonym: Sendable {
    var hash: KeyedHash

    init(key: SymmetricKey) { hash = KeyedHash(key: key) }

    /// 64 pseudo-random bytes derived from the normalised value.
    func stream(for normalised: [UInt8]) -> [UInt8] {
        let first = hash.mac(normalised)
        let second = hash.mac(first)
        return first + second
    }

    func render(_ value: [UInt8], kind: IdentifierKind, name: String, normalised: [UInt8]) -> [UInt8] {
        let random = stream(for: normalised)
        switch kind {
        case .email:
            return Array("user_\(hexString(random.prefix(6)))@masked.invalid".utf8)
        case .paymentCard:
            let count = value.filter(ASCII.isDigit).count
            var digits = [9, 9] + (0..<(count - 3)).map { Int(random[$0]) % 10 }
            digits.append(CheckDigits.luhnCheckDigit(for: digits))
            return fill(value, with: digits.map { UInt8(0x30 + $0) })
        case .iban:
            var shaped = self.shaped(value, random)
            var alnumSeen = 0
            for i in shaped.indices where ASCII.isAlnum(shaped[i]) {
                if alnumSeen < 2 { shaped[i] = value[i] } else if alnumSeen < 4 { shaped[i] = ASCII.zero }
                alnumSeen += 1
            }
            return shaped
        case .usSSN:
            var shaped = self.shaped(value, random)
            if let first = shaped.firstIndex(where: ASCII.isDigit) { shaped[first] = 0x39 }
            return shaped
        case .ipv4:
            return Array("240.\(random[0]).\(random[1]).\(random[2])".utf8)
        case .ipv6:
            let groups = (0..<6).map { hexString(random[($0 * 2)..<($0 * 2 + 2)]) }
            return Array(("2001:db8:" + groups.joined(separator: ":")).utf8)
        case .phone, .germanTaxID, .dutchBSN, .spanishDNI, .frenchNIR, .italianFiscalCode, .polishPESEL, .belgianNationalNumber,
             .portugueseNIF, .swedishPersonalNumber, .danishCPR, .finnishHETU, .austrianSocialSecurityNumber,
             .ukNationalInsuranceNumber, .irishPPSN:
            return shaped(value, random)
        case .custom, .subjectKey:
            let safeName = String(name.lowercased().unicodeScalars.map {
                $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil) ? Character($0) : "_"
            })
            return Array("\(safeName)_\(hexString(random.prefix(6)))".utf8)
        }
    }

    /// Digits for digits and letters for letters (case kept); everything else unchanged.
    func shaped(_ value: [UInt8], _ random: [UInt8]) -> [UInt8] {
        var k = 0
        return value.map { c in
            let r = random[k % random.count]
            if ASCII.isDigit(c) { k += 1; return 0x30 + r % 10 }
            if ASCII.isUpper(c) { k += 1; return 0x41 + r % 26 }
            if ASCII.isLower(c) { k += 1; return 0x61 + r % 26 }
            return c
        }
    }

    /// Puts `digits` into the digit positions of `value`, keeping its separators.
    func fill(_ value: [UInt8], with digits: [UInt8]) -> [UInt8] {
        var k = 0
        return value.map { c in
            guard ASCII.isDigit(c) else { return c }
            defer { k += 1 }
            return digits[k]
        }
    }
}
