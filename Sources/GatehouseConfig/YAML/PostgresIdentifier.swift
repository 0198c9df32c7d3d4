import GatehouseCore

/// Table and column names as PostgreSQL reads them: unquoted names fold to lower case,
/// "quoted" names keep their case. Classifying `public.Customers` must match what the SQL
/// analysis reports for `SELECT * FROM Customers` (`customers`), or the data would silently
/// go unclassified.
public enum PostgresIdentifier {
    /// `table` or `schema.table`; an unqualified name means `public`.
    public static func relation(_ text: String) -> RelationName? {
        guard let parts = qualifiedNameParts(text) else { return nil }
        switch parts.count {
        case 1: return RelationName(schema: "public", name: parts[0])
        case 2: return RelationName(schema: parts[0], name: parts[1])
        default: return nil
        }
    }

    static func column(_ text: String) -> String? {
        guard let parts = qualifiedNameParts(text), parts.count == 1 else { return nil }
        return parts[0]
    }

    /// Splits on dots outside quotes; nil when a part is empty, an unquoted part holds
    /// whitespace or a quote, or a quote is not closed.
    static func qualifiedNameParts(_ text: String) -> [String]? {
        var parts: [String] = []
        var characters = Substring(text)
        while true {
            guard let part = nextPart(&characters) else { return nil }
            parts.append(part)
            guard let separator = characters.first else { return parts }
            guard separator == "." else { return nil }
            characters.removeFirst()
        }
    }

    private static func nextPart(_ characters: inout Substring) -> String? {
        if characters.first == "\"" {
            characters.removeFirst()
            var name = ""
            while let character = characters.popFirst() {
                if character == "\"" {
                    guard characters.first == "\"" else { return name.isEmpty ? nil : name }
                    characters.removeFirst()  // "" is an escaped quote
                }
                name.append(character)
            }
            return nil  // unterminated
        }
        let end = characters.firstIndex(of: ".") ?? characters.endIndex
        let name = characters[..<end]
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0 == "\"" }) else { return nil }
        characters = characters[end...]
        return asciiLowercased(name)
    }

    // PostgreSQL folds only ASCII letters.
    private static func asciiLowercased(_ text: Substring) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
        }))
    }
}
