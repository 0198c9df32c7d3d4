import GatehouseCore
import Crypto

/// The canonical form of an identifier, so that `Alice@Example.com ` and `alice@example.com`, or
/// `4111 1111 1111 1111` and `4111-1111-1111-1111`, are the same subject (and pseudonym).
public func normalisedIdentifier(_ value: String, kind: IdentifierKind) -> String {
    String(decoding: normalisedIdentifier(Array(value.utf8), kind: kind), as: UTF8.self)
}

/// Byte form of `normalisedIdentifier`: the engine calls this once per detection.
func normalisedIdentifier(_ value: [UInt8], kind: IdentifierKind) -> [UInt8] {
    switch kind {
    case .paymentCard, .usSSN, .phone:
        return value.filter(ASCII.isDigit)
    case .iban:
        return value.filter(ASCII.isAlnum).map(ASCII.upper)
    case .germanTaxID, .dutchBSN, .spanishDNI, .frenchNIR, .italianFiscalCode, .polishPESEL, .belgianNationalNumber,
         .portugueseNIF, .swedishPersonalNumber, .danishCPR, .finnishHETU, .austrianSocialSecurityNumber,
         .ukNationalInsuranceNumber, .irishPPSN:
        // Letters count in some (DNI, codice fiscale, NINO, PPSN, HETU): keep them, upper-cased;
        // the Swedish and Finnish century signs are separators here.
        return value.filter(ASCII.isAlnum).map(ASCII.upper)
    case .email:
        return trimmedASCIIWhitespace(value).map(ASCII.lower)
    case .ipv6:
        let trimmed = Array(trimmedASCIIWhitespace(value))
        return IPv6Canonical.expand(trimmed) ?? trimmed.map(ASCII.lower)
    case .ipv4:
        return Array(trimmedASCIIWhitespace(value))
    case .custom, .subjectKey:
        let trimmed = trimmedASCIIWhitespace(value)
        // ASCII lower-cases byte by byte; anything else takes Unicode's rules.
        if trimmed.allSatisfy({ $0 < 0x80 }) { return trimmed.map(ASCII.lower) }
        return Array(String(decoding: trimmed, as: UTF8.self).lowercased().utf8)
    }
}

func trimmedASCIIWhitespace(_ value: [UInt8]) -> ArraySlice<UInt8> {
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    guard let first = value.firstIndex(where: { !isSpace($0) }),
          let last = value.lastIndex(where: { !isSpace($0) }) else { return [] }
    return value[first...last]
}

/// Hex HMAC-SHA256(key, normalised value): identifies a data subject in the ledger without
/// storing the identifier. Normalisation: emails lower-cased and trimmed, numbers digits only,
/// IBAN and DNI upper-case without separators, IPv6 expanded to eight lower-case groups,
/// custom values and subject keys (`schema.table:key`, `subjectKeyText`) trimmed and lower-cased.
public func subjectDigest(of value: String, kind: IdentifierKind, key: SymmetricKey) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: normalisedIdentifier(Array(value.utf8), kind: kind), using: key)
    return hexString(Array(mac))
}

/// What a subject key is hashed as: the relation whose subjects it identifies, a colon, the key
/// as PostgreSQL prints it (`public.customers:42`), so equal keys of different tables differ.
public func subjectKeyText(relation: String, key: String) -> String {
    "\(relation):\(key)"
}
