/// The redact strategy: `[EMAIL]`, `[CARD]`…; custom patterns and dictionaries use their own
/// name (`[CUSTOMER-ID]`) so the agent still knows what was there.
enum Redaction {
    static func label(kind: IdentifierKind, name: String) -> String {
        kind == .custom ? name.uppercased() : kind.label
    }

    static func render(kind: IdentifierKind, name: String) -> [UInt8] {
        var bytes: [UInt8] = []
        append(kind: kind, name: name, to: &bytes)
        return bytes
    }

    /// `render`'s bytes appended to `output`, with no array of their own: redaction runs for every
    /// identifier in every row, on every core at once, so nothing shared is retained either (a
    /// built-in label is a string literal).
    static func append(kind: IdentifierKind, name: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        if kind != .custom {
            output.append(contentsOf: kind.label.utf8)
        } else if name.utf8.allSatisfy({ $0 < 0x80 }) {
            // Category and pattern names are almost always ASCII: upper-cased without a String.
            for byte in name.utf8 { output.append(ASCII.upper(byte)) }
        } else {
            output.append(contentsOf: name.uppercased().utf8)
        }
        output.append(UInt8(ascii: "]"))
    }
}
