/// The kinds of personal identifier the built-in detectors recognise, plus `custom` for configured
/// patterns and dictionaries and `subject-key` for the keys of data subjects' rows.
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
    case frenchNIR = "fr-nir"
    case italianFiscalCode = "it-codice-fiscale"
    case polishPESEL = "pl-pesel"
    case belgianNationalNumber = "be-national-number"
    case portugueseNIF = "pt-nif"
    /// Swedish personnummer and samordningsnummer.
    case swedishPersonalNumber = "se-personnummer"
    case danishCPR = "dk-cpr"
    case finnishHETU = "fi-hetu"
    case austrianSocialSecurityNumber = "at-svnr"
    case ukNationalInsuranceNumber = "uk-nino"
    case irishPPSN = "ie-ppsn"
    case custom
    /// A row's data-subject key (`personal_data[].subject_key`): never detected or masked, only
    /// indexed, so that `audit subject --key` finds a person's rows even where nothing was masked.
    case subjectKey = "subject-key"

    /// The kinds the built-in detectors find (configurable under `masking.detectors`).
    public static let detectable = allCases.filter { $0 != .custom && $0 != .subjectKey }

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
        case .frenchNIR: return "NIR"
        case .italianFiscalCode: return "CF"
        case .polishPESEL: return "PESEL"
        case .belgianNationalNumber: return "NN"
        case .portugueseNIF: return "NIF"
        case .swedishPersonalNumber: return "PNR"
        case .danishCPR: return "CPR"
        case .finnishHETU: return "HETU"
        case .austrianSocialSecurityNumber: return "SVNR"
        case .ukNationalInsuranceNumber: return "NINO"
        case .irishPPSN: return "PPSN"
        case .custom: return "REDACTED"
        case .subjectKey: return "KEY"
        }
    }
}
