extension CanonicalJSONValue {
    /// Parses bytes that are canonical JSON and nothing else: the form `canonicalBytes()` writes.
    /// Whitespace, unsorted or repeated keys, non-canonical escapes, raw control characters,
    /// invalid UTF-8, fractions, exponents, leading zeros, `-0` and integers outside
    /// `integerRange` are all refused, so an accepted value has exactly one byte form.
    ///
    /// Keys are compared by UTF-16 code units, but held in a Swift dictionary, which compares
    /// strings by canonical equivalence: two keys that differ only in Unicode normalisation are
    /// refused as duplicates (no ledger key is outside ASCII).
    public init<Bytes: Collection>(canonicalBytes bytes: Bytes) throws where Bytes.Element == UInt8 {
        var parser = CanonicalJSONParser(bytes: Array(bytes))
        self = try parser.parseDocument()
    }
}

/// The strict recursive-descent parser behind `CanonicalJSONValue(canonicalBytes:)`. Not on the
/// hot path (it serves verification and auditing), so it builds a value tree.
struct CanonicalJSONParser {
    /// Ledger entries nest five levels; the limit keeps hostile input from exhausting the stack.
    static let maximumDepth = 32

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws -> CanonicalJSONValue {
        let value = try parseValue(depth: 0)
        guard position == bytes.count else { throw CanonicalJSONError.trailingBytes(offset: position) }
        return value
    }

    private mutating func parseValue(depth: Int) throws -> CanonicalJSONValue {
        guard position < bytes.count else { throw CanonicalJSONError.unexpectedEnd }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default: throw CanonicalJSONError.unexpectedByte(offset: position)
        }
    }

    private mutating func parseObject(depth: Int) throws -> CanonicalJSONValue {
        guard depth < Self.maximumDepth else { throw CanonicalJSONError.nestedTooDeeply(offset: position) }
        position += 1
        var members: [String: CanonicalJSONValue] = [:]
        members.reserveCapacity(8)  // entries' objects have up to 8 members: no rehashing while filling
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        var previousKey: String?
        while true {
            let keyOffset = position
            guard try peek() == UInt8(ascii: "\"") else { throw CanonicalJSONError.unexpectedByte(offset: position) }
            let key = try parseString()
            // Strictly increasing keys are also unique: no lookup needed to refuse a repeat.
            if let previousKey {
                if key.utf16.elementsEqual(previousKey.utf16) { throw CanonicalJSONError.duplicateKey(offset: keyOffset) }
                guard CanonicalJSONValue.sortsBefore(previousKey, key) else {
                    throw CanonicalJSONError.keysOutOfOrder(offset: keyOffset)
                }
            }
            try expect(UInt8(ascii: ":"))
            members[key] = try parseValue(depth: depth + 1)
            previousKey = key
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            default: throw CanonicalJSONError.unexpectedByte(offset: position)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws -> CanonicalJSONValue {
        guard depth < Self.maximumDepth else { throw CanonicalJSONError.nestedTooDeeply(offset: position) }
        position += 1
        var elements: [CanonicalJSONValue] = []
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw CanonicalJSONError.unexpectedByte(offset: position)
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)`, then neither fraction nor exponent, within `integerRange`.
    private mutating func parseInteger() throws -> Int {
        let start = position
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard let first = digit(at: position) else {
            if position == bytes.count { throw CanonicalJSONError.unexpectedEnd }
            throw CanonicalJSONError.unexpectedByte(offset: position)
        }
        position += 1
        var magnitude = first
        if first == 0 {
            if digit(at: position) != nil { throw CanonicalJSONError.nonCanonicalInteger(offset: start) }
        } else {
            while let next = digit(at: position) {
                position += 1
                magnitude = magnitude * 10 + next
                // Checked digit by digit, so the accumulator never gets near overflow.
                guard magnitude <= CanonicalJSONValue.integerRange.upperBound else {
                    throw CanonicalJSONError.integerOutOfRange(offset: start)
                }
            }
        }
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            throw CanonicalJSONError.notAnInteger(offset: start)
        }
        if negative && magnitude == 0 { throw CanonicalJSONError.nonCanonicalInteger(offset: start) }
        return negative ? -magnitude : magnitude
    }

    private func digit(at index: Int) -> Int? {
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
        return Int(bytes[index] - UInt8(ascii: "0"))
    }

    private mutating func expectLiteral(_ literal: String) throws {
        for byte in literal.utf8 { try expect(byte) }
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw CanonicalJSONError.unexpectedByte(offset: position) }
        position += 1
    }

    func peek() throws -> UInt8 {
        guard position < bytes.count else { throw CanonicalJSONError.unexpectedEnd }
        return bytes[position]
    }
}
