/// The requester's justification (lawful basis) for a statement that needs approval.
///
/// What `extract(applicationName:statementText:)` accepts, in order of precedence:
///
/// 1. A purpose comment among the comments that lead the statement text (before its first
///    token): `/* purpose: TICKET-123 fix duplicate invoices */` or `-- purpose: TICKET-123`
///    (to the end of the line). The key `purpose` is case-insensitive, may have whitespace before
///    the colon, and the first purpose comment wins; other leading comments are skipped. A block
///    comment ends at the first `*/` (nesting is not followed).
/// 2. Otherwise an `application_name` of the form `purpose: …` (same key rules).
///
/// The value is trimmed, runs of whitespace (line breaks included) become one space, control
/// characters are dropped, and it is cut to `maximumLength` characters. An empty value counts as
/// no purpose. The statement's own comment wins because it is specific to that statement, while
/// `application_name` is set once per session.
public struct Purpose: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Source: String, Sendable, Hashable, Codable {
        case statementComment = "statement-comment"
        case applicationName = "application-name"
        /// A Git request's `Gatehouse-Purpose` HTTP header.
        case httpHeader = "http-header"
    }

    /// The longest purpose kept, in characters: enough for a ticket and a sentence, short
    /// enough that a purpose cannot smuggle a document into the record.
    public static let maximumLength = 200

    public var text: String
    public var source: Source

    public init(text: String, source: Source) {
        self.text = text
        self.source = source
    }

    public var description: String { text }

    /// The purpose given with a statement, if any (see the type's documentation).
    public static func extract(applicationName: String?, statementText: String) -> Purpose? {
        for comment in PurposeComments.leading(in: statementText) {
            if let text = value(afterKeyIn: comment) { return Purpose(text: text, source: .statementComment) }
        }
        if let applicationName, let text = value(afterKeyIn: applicationName) {
            return Purpose(text: text, source: .applicationName)
        }
        return nil
    }

    /// The purpose a Git client states in its `Gatehouse-Purpose` header
    /// (`git -c http.extraHeader="Gatehouse-Purpose: TICKET-123 …"`), normalised as above.
    public static func fromHeader(_ value: String?) -> Purpose? {
        guard let value, let text = self.value(afterKeyIn: "purpose: " + value) else { return nil }
        return Purpose(text: text, source: .httpHeader)
    }

    /// The normalised value of `purpose: value`, or nil when the text is not of that form or the
    /// value is empty.
    static func value(afterKeyIn text: Substring) -> String? {
        var rest = text.drop(while: \.isWhitespace)
        guard rest.prefix(7).lowercased() == "purpose" else { return nil }
        rest = rest.dropFirst(7).drop(while: \.isWhitespace)
        guard rest.first == ":" else { return nil }
        let normalised = rest.dropFirst()
            .filter { !$0.unicodeScalars.allSatisfy(\.properties.isControlCharacter) || $0.isWhitespace }
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !normalised.isEmpty else { return nil }
        return String(normalised.prefix(maximumLength))
    }

    static func value(afterKeyIn text: String) -> String? { value(afterKeyIn: text[...]) }
}

private extension Unicode.Scalar.Properties {
    /// General category Cc (C0 and C1 control characters).
    var isControlCharacter: Bool { generalCategory == .control }
}
