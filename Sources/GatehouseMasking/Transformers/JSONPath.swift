/// A field path for `JSONMasker`: `$.customer.email`, `$.items[*].owner.phone`, `$.*.email`,
/// `$.rows[0].ssn`, `$["key.with.dots"]`. Supported: `.key`, `["key"]` / `['key']`, `[n]`,
/// `[*]` and `.*`. Both wildcards match any single child (object member or array element), so a
/// path never misses a value because its container was an array rather than an object.
/// Recursive descent (`..`), filters and slices are not supported (an error, not a silent miss).
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case key([UInt8])
        case index(Int)
        case wildcard
    }

    let segments: [Segment]
    public let description: String

    public init(_ text: String) throws {
        description = text
        var parser = JSONPathParser(Array(text.utf8), text: text)
        segments = try parser.parse()
    }

    private init(segments: [Segment], description: String) {
        self.segments = segments
        self.description = description
    }

    /// `$["name"]`, or `$[*]["name"]` with `inArray`: a member of the document, or of every
    /// element of a top-level array (a column of `row_to_json` / `json_agg` output).
    public static func member(_ name: String, inArray: Bool = false) -> JSONPath {
        let escaped = name.map { $0 == "\"" || $0 == "\\" ? "\\\($0)" : String($0) }.joined()
        let quoted = "[\"" + escaped + "\"]"
        return JSONPath(segments: (inArray ? [.wildcard] : []) + [.key(Array(name.utf8))],
                        description: "$" + (inArray ? "[*]" : "") + quoted)
    }
}

public struct JSONPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "invalid JSON path \(path): \(reason)" }
}

private struct JSONPathParser {
    let bytes: [UInt8]
    let text: String
    var i = 0

    init(_ bytes: [UInt8], text: String) {
        self.bytes = bytes
        self.text = text
    }

    mutating func parse() throws -> [JSONPath.Segment] {
        guard bytes.first == UInt8(ascii: "$") else { throw fail("must start with $") }
        i = 1
        var segments: [JSONPath.Segment] = []
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "."):
                i += 1
                if i < bytes.count && bytes[i] == UInt8(ascii: ".") { throw fail("recursive descent (..) is not supported") }
                let start = i
                while i < bytes.count && bytes[i] != UInt8(ascii: ".") && bytes[i] != UInt8(ascii: "[") { i += 1 }
                guard i > start else { throw fail("empty member name") }
                let name = Array(bytes[start..<i])
                segments.append(name == [UInt8(ascii: "*")] ? .wildcard : .key(name))
            case UInt8(ascii: "["):
                i += 1
                segments.append(try bracket())
            default:
                throw fail("unexpected character at offset \(i)")
            }
        }
        return segments
    }

    private mutating func bracket() throws -> JSONPath.Segment {
        guard i < bytes.count else { throw fail("unterminated [") }
        let c = bytes[i]
        let segment: JSONPath.Segment
        if c == UInt8(ascii: "*") {
            i += 1
            segment = .wildcard
        } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            i += 1
            let start = i
            while i < bytes.count && bytes[i] != c { i += 1 }
            guard i < bytes.count else { throw fail("unterminated quoted name") }
            segment = .key(Array(bytes[start..<i]))
            i += 1
        } else {
            var n = 0
            let start = i
            while i < bytes.count, ASCII.isDigit(bytes[i]), i - start < 9 {
                n = n * 10 + ASCII.digitValue(bytes[i])
                i += 1
            }
            guard i > start else { throw fail("expected an index, * or a quoted name in []") }
            segment = .index(n)
        }
        guard i < bytes.count && bytes[i] == UInt8(ascii: "]") else { throw fail("expected ]") }
        i += 1
        return segment
    }

    private func fail(_ reason: String) -> JSONPathError { JSONPathError(path: text, reason: reason) }
}
