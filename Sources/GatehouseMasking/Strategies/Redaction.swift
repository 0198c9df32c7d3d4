/// The redact strategy: `[EMAIL]`, `[CARD]`…; custom patterns and dictionaries use their own
/// name (`[CUSTOMER-ID]`) so the agent still knows what was there.
enum Redaction {
    static func label(kind: IdentifierKind, name: String) -> String {
        kind == .custom ? name.uppercased() : kind.label
    }

    static func render(kind: IdentifierKind, name: String) -> [UInt8] {
        Array("[\(label(kind: kind, name: name))]".utf8)
    }
}
