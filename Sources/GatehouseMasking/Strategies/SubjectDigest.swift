import Crypto

/// The canonical form of an identifier, so that `Alice@Example.com ` and `alice@example.com`, or
/// `4111 1111 1111 1111` and `4111-1111-1111-1111`, are the same subject (and pseudonym).
public func normalisedIdentifier(_ value: String, kind: IdentifierKind) -> String {
    switch kind {
    case .email, .ipv6:
        return value.trimmingASCIIWhitespace().lowercased()
    case .paymentCard, .usSSN, .phone, .germanTaxID, .dutchBSN:
        return String(value.unicodeScalars.filter { $0.isASCII && $0.properties.numericType != nil })
    case .iban, .spanishDNI:
        return String(value.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil) })
            .uppercased()
    case .ipv4:
        return value.trimmingASCIIWhitespace()
    case .custom:
        return value.trimmingASCIIWhitespace().lowercased()
    }
}

/// Hex HMAC-SHA256(key, normalised value): identifies a data subject in the ledger without
/// storing the identifier. Normalisation: emails lower-cased and trimmed, numbers digits only,
/// IBAN and DNI upper-case without separators, custom values trimmed and lower-cased.
public func subjectDigest(of value: String, kind: IdentifierKind, key: SymmetricKey) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: Array(normalisedIdentifier(value, kind: kind).utf8), using: key)
    return hex(mac)
}

func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
