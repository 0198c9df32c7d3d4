/// The kinds of personal identifier the built-in detectors recognise, plus `custom` for configured
/// patterns and dictionaries.
public enum IdentifierKind: String, Sendable, Codable, CaseIterable, Hashable {
    case email
    case paymentCard = "payment-card"
    case iban
    case usSSN = "us-ssn"
    case phone
    case ipv4
    case ipv6
    case germanTaxID = "de-tax-id"
    case dutchBSN = "nl-bsn"
    /// Spanish DNI and NIE.
    case spanishDNI = "es-dni"
    case custom

    /// The type label used by the redact strategy (`[EMAIL]`), so an agent still understands the shape.
    public var label: String {
        switch self {
        case .email: return "EMAIL"
        case .paymentCard: return "CARD"
        case .iban: return "IBAN"
        case .usSSN: return "SSN"
        case .phone: return "PHONE"
        case .ipv4, .ipv6: return "IP"
        case .germanTaxID: return "TAX-ID"
        case .dutchBSN: return "BSN"
        case .spanishDNI: return "DNI"
        case .custom: return "REDACTED"
        }
    }
}
