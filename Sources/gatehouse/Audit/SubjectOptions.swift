import ArgumentParser
import Crypto
import GatehouseConfig
import GatehouseCore
import GatehouseMasking

/// Names a data subject by an identifier, as `audit subject` and `audit erase` take it. The
/// ledger holds only keyed digests (`subjectDigest`), so the identifier is normalised and hashed
/// the way the masking engine did when it saw it; the identifier itself is never stored or printed.
struct SubjectOptions: ParsableArguments {
    @Option(help: "An email address.")
    var email: [String] = []
    @Option(help: "A phone number.")
    var phone: [String] = []
    @Option(help: "An IBAN.")
    var iban: [String] = []
    @Option(help: "A payment card number.")
    var card: [String] = []
    @Option(help: ArgumentHelp("A data-subject key: TABLE=VALUE, for a table with a subject_key in personal_data (its rows' key as PostgreSQL prints it).",
                               valueName: "table=value"))
    var key: [String] = []
    @Option(help: ArgumentHelp("Any identifier kind: KIND=VALUE, KIND one of \(IdentifierKind.allCases.map(\.rawValue).joined(separator: ", ")) (custom: classified values such as names).",
                               valueName: "kind=value"))
    var identifier: [String] = []

    var isEmpty: Bool { email.isEmpty && phone.isEmpty && iban.isEmpty && card.isEmpty && key.isEmpty && identifier.isEmpty }

    /// Every identifier given, as (kind, value).
    func identifiers() throws -> [(kind: IdentifierKind, value: String)] {
        var result = email.map { (IdentifierKind.email, $0) } + phone.map { (IdentifierKind.phone, $0) }
            + iban.map { (IdentifierKind.iban, $0) } + card.map { (IdentifierKind.paymentCard, $0) }
        for item in identifier {
            guard let equals = item.firstIndex(of: "="), let kind = IdentifierKind(rawValue: String(item[..<equals])) else {
                throw ValidationError("--identifier takes KIND=VALUE with KIND one of \(IdentifierKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            result.append((kind, String(item[item.index(after: equals)...])))
        }
        for item in key {
            guard let equals = item.firstIndex(of: "="), let relation = PostgresIdentifier.relation(String(item[..<equals])) else {
                throw ValidationError("--key takes TABLE=VALUE, TABLE a table name (schema.table or table)")
            }
            result.append((.subjectKey, subjectKeyText(relation: relation.description, key: String(item[item.index(after: equals)...]))))
        }
        return result
    }

    /// The digests the ledger's subject index holds for these identifiers.
    func digests(_ configuration: GatehouseConfiguration) throws -> [String] {
        let key = try MaskingSetup.subjectKey(for: configuration)
        return try identifiers().map { subjectDigest(of: $0.value, kind: $0.kind, key: key) }
    }
}
