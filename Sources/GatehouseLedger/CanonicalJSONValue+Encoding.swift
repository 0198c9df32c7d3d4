extension CanonicalJSONValue {
    /// The one canonical byte form of this value: object keys sorted by UTF-16 code units
    /// (RFC 8785 3.2.3), no whitespace. Throws `CanonicalJSONError.integerOutOfRange` for an
    /// integer outside `integerRange`.
    public func canonicalBytes() throws -> [UInt8] {
        var writer = CanonicalJSONWriter()
        try write(into: &writer)
        return writer.bytes
    }

    func write(into writer: inout CanonicalJSONWriter) throws {
        switch self {
        case .null: writer.null()
        case .bool(let value): writer.bool(value)
        case .integer(let value): try writer.integer(value)
        case .string(let value): writer.string(value)
        case .array(let elements):
            writer.beginArray()
            for element in elements { try element.write(into: &writer) }
            writer.endArray()
        case .object(let members):
            writer.beginObject()
            for key in members.keys.sorted(by: Self.sortsBefore) {
                writer.key(key)
                try members[key]!.write(into: &writer)
            }
            writer.endObject()
        }
    }

    /// JCS key order: lexicographic over UTF-16 code units (not Unicode scalars, not UTF-8 bytes;
    /// they differ only above U+FFFF against U+E000...U+FFFF).
    static func sortsBefore(_ left: String, _ right: String) -> Bool {
        // UTF-8 byte order is UTF-16 order except where a character above U+FFFF meets one in
        // U+E000...U+FFFF; keys below U+E000 (every key the formats define) compare as bytes.
        var left = left, right = right
        let bytewise = left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes -> Bool? in
                guard !leftBytes.contains(where: { $0 >= 0xEE }), !rightBytes.contains(where: { $0 >= 0xEE }) else { return nil }
                return leftBytes.lexicographicallyPrecedes(rightBytes)
            }
        }
        return bytewise ?? left.utf16.lexicographicallyPrecedes(right.utf16)
    }
}
