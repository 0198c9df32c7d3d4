/// A strict RFC 8259 parser for the JOSE header and the claims set.
///
/// Foundation's JSONSerialization and JSONDecoder silently keep one of two members with the same
/// name, and other parsers keep the other: an issuer, a proxy and Gatehouse could then read
/// different `sub` or `alg` values from one signed token. This parser refuses such objects at
/// every nesting level (RFC 7515 §5.2 and RFC 7519 §4 allow refusing them). Names are compared
/// after escapes are decoded, so `"sub"` and `"s\u0075b"` are the same member; and as a Swift
/// dictionary holds them, names that are canonically equivalent (precomposed and decomposed
/// accents) count as the same too, rather than one silently replacing the other.
struct StrictJSONParser {
    /// Real tokens nest a few levels (Keycloak's `resource_access.<client>.roles`); the limit
    /// keeps hostile input from exhausting the stack.
    static let maximumDepth = 32

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// One value, with nothing but whitespace around it.
    mutating func parseDocument() throws(StrictJSONError) -> JSONValue {
        // The standard library's validation refuses overlong forms, surrogates and truncation.
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .invalid }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw .invalid }
        return value
    }

    private mutating func parseValue(depth: Int) throws(StrictJSONError) -> JSONValue {
        switch try peekAfterWhitespace() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default: throw .invalid
        }
    }

    private mutating func parseObject(depth: Int) throws(StrictJSONError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw .invalid }
        position += 1
        var members: [String: JSONValue] = [:]
        if try peekAfterWhitespace() == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            guard try peekAfterWhitespace() == UInt8(ascii: "\"") else { throw .invalid }
            let name = try parseString()
            guard members[name] == nil else { throw .duplicateMember(name) }
            try expect(UInt8(ascii: ":"))
            members[name] = try parseValue(depth: depth + 1)
            switch try peekAfterWhitespace() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            default: throw .invalid
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(StrictJSONError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw .invalid }
        position += 1
        var elements: [JSONValue] = []
        if try peekAfterWhitespace() == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            switch try peekAfterWhitespace() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw .invalid
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as a finite Double.
    private mutating func parseNumber() throws(StrictJSONError) -> Double {
        let start = position
        skip(UInt8(ascii: "-"))
        if skip(UInt8(ascii: "0")) {
            guard !isDigit(at: position) else { throw .invalid }  // no leading zeros
        } else {
            try skipDigits()
        }
        if skip(UInt8(ascii: ".")) { try skipDigits() }
        if skip(UInt8(ascii: "e")) || skip(UInt8(ascii: "E")) {
            if !skip(UInt8(ascii: "+")) { skip(UInt8(ascii: "-")) }
            try skipDigits()
        }
        // The grammar above is a subset of what Double parses; 1e400 would be infinity.
        guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)), value.isFinite else {
            throw .invalid
        }
        return value
    }

    /// One or more digits.
    private mutating func skipDigits() throws(StrictJSONError) {
        guard isDigit(at: position) else { throw .invalid }
        while isDigit(at: position) { position += 1 }
    }

    private func isDigit(at index: Int) -> Bool {
        index < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
    }

    /// Steps over `byte` if it is next; whether it was.
    @discardableResult
    private mutating func skip(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func expectLiteral(_ literal: String) throws(StrictJSONError) {
        for byte in literal.utf8 {
            guard skip(byte) else { throw .invalid }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(StrictJSONError) {
        guard try peekAfterWhitespace() == byte else { throw .invalid }
        position += 1
    }

    /// The next byte that is not RFC 8259 whitespace (space, tab, LF, CR).
    private mutating func peekAfterWhitespace() throws(StrictJSONError) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw .invalid }
        return bytes[position]
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }
}
