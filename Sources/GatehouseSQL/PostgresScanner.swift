import CPGQuery

/// PostgreSQL's own scanner (libpg_query's `pg_query_scan`, with `standard_conforming_strings`
/// on): the tokens of a text, each with its byte range and kind. The gateway reads statements
/// with the server's lexer so the two never disagree on where a literal or comment ends.
enum PostgresScanner {
    struct Token: Equatable {
        var start: Int
        var end: Int
        var kind: Kind
    }

    /// Token kinds that matter here (values from libpg_query's `pg_query.proto`); a
    /// one-character token's kind is its ASCII code.
    struct Kind: RawRepresentable, Equatable, Hashable {
        var rawValue: Int
        static let semicolon = Kind(rawValue: 59)
        static let floatConstant = Kind(rawValue: 260)
        static let stringConstant = Kind(rawValue: 261)
        static let unicodeStringConstant = Kind(rawValue: 262)
        static let bitStringConstant = Kind(rawValue: 263)
        static let hexStringConstant = Kind(rawValue: 264)
        static let integerConstant = Kind(rawValue: 266)
        static let lineComment = Kind(rawValue: 275)
        static let blockComment = Kind(rawValue: 276)

        /// A literal value, and the letter its shape keeps of its kind.
        var literalLetter: String? {
            switch self {
            case .stringConstant: "s"
            case .unicodeStringConstant: "u"
            case .bitStringConstant: "b"
            case .hexStringConstant: "x"
            case .integerConstant: "i"
            case .floatConstant: "f"
            default: nil
            }
        }

        var isComment: Bool { self == .lineComment || self == .blockComment }
    }

    /// The tokens, or nil when the scanner refuses the text (an unterminated literal or
    /// comment). The text must hold no NUL byte (the scanner reads a C string).
    static func tokens(_ text: String) -> [Token]? {
        let result = text.withCString { pg_query_scan($0) }
        defer { pg_query_free_scan_result(result) }
        guard result.error == nil, let data = result.pbuf.data else { return nil }
        let bytes = UnsafeRawBufferPointer(start: data, count: Int(result.pbuf.len))
        var message = ProtobufReader(bytes)
        var tokens: [Token] = []
        // ScanResult: 1 version, 2 repeated ScanToken.
        while let field = message.next() {
            guard case .bytes(let tokenBytes) = field.value, field.number == 2 else { continue }
            var token = ProtobufReader(tokenBytes)
            var scanned = Token(start: 0, end: 0, kind: Kind(rawValue: 0))
            // ScanToken: 1 start, 2 end, 4 token, 5 keyword kind.
            while let part = token.next() {
                guard case .varint(let value) = part.value else { continue }
                switch part.number {
                case 1: scanned.start = Int(value)
                case 2: scanned.end = Int(value)
                case 4: scanned.kind = Kind(rawValue: Int(value))
                default: break
                }
            }
            tokens.append(scanned)
        }
        guard !message.failed else { return nil }
        return tokens
    }
}

/// Reads the protobuf wire format, as far as the scanner's output needs: varints and
/// length-delimited fields.
private struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case bytes(UnsafeRawBufferPointer)
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private(set) var failed = false

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func next() -> (number: Int, value: Value)? {
        guard !failed, index < bytes.count else { return nil }
        guard let key = varint() else { return fail() }
        switch key & 7 {
        case 0:
            guard let value = varint() else { return fail() }
            return (Int(key >> 3), .varint(value))
        case 2:
            guard let length = varint(), length <= UInt64(bytes.count - index) else { return fail() }
            let slice = UnsafeRawBufferPointer(rebasing: bytes[index..<(index + Int(length))])
            index += Int(length)
            return (Int(key >> 3), .bytes(slice))
        default:
            return fail()  // the scanner writes no other wire types
        }
    }

    private mutating func fail() -> (number: Int, value: Value)? {
        failed = true
        return nil
    }

    private mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}
