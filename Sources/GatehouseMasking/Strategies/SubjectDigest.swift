import GatehouseCore
import Crypto

/// The canonical form of an identifier, so that `Alice@Example.com ` and `alice@example.com`, or
/// `4111 1111 1111 1111` and `4111-1111-1111-1111`, are the same subject (and pseudonym).
public func normalisedIdentifier(_ value: String, kind: IdentifierKind) -> String {
    String(decoding: normalisedIdentifier(Array(value.utf8), kind: kind), as: UTF8.self)
}

/// Byte form of `normalisedIdentifier`.
func normalisedIdentifier(_ value: [UInt8], kind: IdentifierKind) -> [UInt8] {
    value.withUnsafeBytes { withNormalisedIdentifier($0, kind: kind) { Array($0) } }
}

/// Calls `body` with the normalised form of `value`. The engine calls this once per detection, so
/// every kind but IPv6 and non-ASCII custom values is normalised into stack memory, not an array
/// (and inlined, so that `body` captures nothing by copy).
@inline(__always)
func withNormalisedIdentifier<Result>(_ value: UnsafeRawBufferPointer, kind: IdentifierKind,
                                      _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
    switch kind {
    case .paymentCard, .usSSN, .phone:
        return withMapped(value, keeping: ASCII.isDigit, { $0 }, body)
    case .iban, .germanTaxID, .dutchBSN, .spanishDNI, .frenchNIR, .italianFiscalCode, .polishPESEL, .belgianNationalNumber,
         .portugueseNIF, .swedishPersonalNumber, .danishCPR, .finnishHETU, .austrianSocialSecurityNumber,
         .ukNationalInsuranceNumber, .irishPPSN:
        // Letters count in some (DNI, codice fiscale, NINO, PPSN, HETU): keep them, upper-cased;
        // the Swedish and Finnish century signs are separators here.
        return withMapped(value, keeping: ASCII.isAlnum, ASCII.upper, body)
    case .email:
        return withMapped(trimmedASCIIWhitespace(value), keeping: { _ in true }, ASCII.lower, body)
    case .ipv6:
        let trimmed = Array(trimmedASCIIWhitespace(value))
        return (IPv6Canonical.expand(trimmed) ?? trimmed.map(ASCII.lower)).withUnsafeBytes(body)
    case .ipv4:
        return body(trimmedASCIIWhitespace(value))
    case .custom, .subjectKey:
        let trimmed = trimmedASCIIWhitespace(value)
        // ASCII lower-cases byte by byte; anything else takes Unicode's rules.
        if trimmed.allSatisfy({ $0 < 0x80 }) { return withMapped(trimmed, keeping: { _ in true }, ASCII.lower, body) }
        return Array(String(decoding: trimmed, as: UTF8.self).lowercased().utf8).withUnsafeBytes(body)
    }
}

/// The bytes of `value` that `keep` accepts, each through `map`, in a stack buffer.
@inline(__always)
private func withMapped<Result>(_ value: UnsafeRawBufferPointer, keeping keep: (UInt8) -> Bool, _ map: (UInt8) -> UInt8,
                                _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(value.count, 1)) { buffer in
        var count = 0
        for byte in value where keep(byte) {
            buffer[count] = map(byte)
            count += 1
        }
        return body(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[..<count]))
    }
}

/// `value` without leading and trailing ASCII whitespace (empty when it is all whitespace).
func trimmedASCIIWhitespace(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: value[asciiTrimmedRange(of: value) ?? 0..<0])
}

/// The range of `value` without leading and trailing ASCII whitespace, or nil when all of it is.
func asciiTrimmedRange(of value: UnsafeRawBufferPointer) -> Range<Int>? {
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    guard let first = value.firstIndex(where: { !isSpace($0) }),
          let last = value.lastIndex(where: { !isSpace($0) }) else { return nil }
    return first..<(last + 1)
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
