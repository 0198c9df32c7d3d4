/// The redact strategy: `[EMAIL]`, `[CARD]`…; custom patterns and dictionaries use their own
/// name (`[CUSTOMER-ID]`) so the agent still knows what was there.
enum Redaction {
    static func label(kind: IdentifierKind, name: String) -> String {
        kind == .custom ? name.uppercased() : kind.label
    }

    static func render(kind: IdentifierKind, name: String) -> [UInt8] {
        if kind != .custom, let bytes = builtinLabels[kind] { return bytes }
        // Category and pattern names are almost always ASCII: upper-cased without a String.
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return [UInt8(ascii: "[")] + name.utf8.map(ASCII.upper) + [UInt8(ascii: "]")] }
        return Array("[\(label(kind: kind, name: name))]".utf8)
    }

    /// Built once: redaction runs for every identifier in every row.
    private static let builtinLabels: [IdentifierKind: [UInt8]] = Dictionary(
        uniqueKeysWithValues: IdentifierKind.allCases.map { ($0, Array("[\($0.label)]".utf8)) })
}
