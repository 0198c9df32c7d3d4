/// A decoded JSON value, so claims can be read with their exact JSON types (a number where a
/// string is expected is an error, not a silent conversion).
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses bytes that must hold one JSON object, with ``StrictJSONParser`` (which refuses
    /// duplicate member names).
    static func object(from bytes: [UInt8]) throws(StrictJSONError) -> [String: JSONValue] {
        var parser = StrictJSONParser(bytes: bytes)
        guard case .object(let members) = try parser.parseDocument() else { throw .invalid }
        return members
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}
