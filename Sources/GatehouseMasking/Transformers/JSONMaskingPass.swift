/// One validating pass of `JSONMasker` over a document: a recursive-descent tokenizer that copies
/// the input lazily and splices in replacements for masked values only.
struct JSONMaskingPass {
    let input: UnsafeRawBufferPointer
    let masker: JSONMasker
    var i = 0
    var hits: SubjectHitCollector
    /// Path from the root to the current value; kept only when fields are configured.
    private var location: [JSONLocation] = []
    private var output: [UInt8] = []
    /// Input bytes before this offset are already in `output` (or replaced).
    private var copied = 0
    private var changed = false
    private var scratch: [UInt8] = []

    init(input: UnsafeRawBufferPointer, masker: JSONMasker, hits: SubjectHitCollector) {
        self.input = input
        self.masker = masker
        self.hits = hits
    }

    mutating func run() throws {
        skipWhitespace()
        // `$` names the whole document.
        try value(depth: 0, category: masker.fieldTable.category(at: []))
        skipWhitespace()
        guard i == input.count else { throw fail("unexpected data after the document") }
    }

    /// A run of a top-level array's elements cut by `JSONArraySplitter`: `value (, value)*`,
    /// numbered from `firstIndex`, as `array` would read them.
    mutating func runElements(firstIndex: Int) throws {
        let category = masker.fieldTable.category(at: [])
        var index = firstIndex
        skipWhitespace()
        while true {
            try child(.index(index), depth: 1, category: category)
            index += 1
            skipWhitespace()
            guard i < input.count else { return }
            guard input[i] == UInt8(ascii: ",") else { throw fail("expected , or ]") }
            i += 1
            skipWhitespace()
        }
    }

    mutating func finishedOutput() -> [UInt8]? {
        guard changed else { return nil }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied...]))
        return output
    }

    private mutating func value(depth: Int, category: String?) throws {
        guard i < input.count else { throw fail("unexpected end of input") }
        switch input[i] {
        case UInt8(ascii: "{"): try object(depth: depth + 1, category: category)
        case UInt8(ascii: "["): try array(depth: depth + 1, category: category)
        case UInt8(ascii: "\""): try stringValue(category: category)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(category: category)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: throw fail("unexpected character")
        }
    }

    private mutating func object(depth: Int, category: String?) throws {
        guard depth <= JSONMasker.maxDepth else { throw fail("nesting deeper than \(JSONMasker.maxDepth)") }
        i += 1
        skipWhitespace()
        if i < input.count && input[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            guard i < input.count && input[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let (content, plain) = try stringContent()
            let key: Int
            if plain {
                key = masker.fieldTable.keyNumber(UnsafeRawBufferPointer(rebasing: input[content]))
            } else {
                scratch.removeAll(keepingCapacity: true)
                try JSONStringCodec.decode(input, content, into: &scratch)   // validates the key
                key = scratch.withUnsafeBytes { masker.fieldTable.keyNumber($0) }
            }
            skipWhitespace()
            guard i < input.count && input[i] == UInt8(ascii: ":") else { throw fail("expected :") }
            i += 1
            skipWhitespace()
            try child(.key(key), depth: depth, category: category)
            skipWhitespace()
            guard i < input.count else { throw fail("unterminated object") }
            if input[i] == UInt8(ascii: ",") { i += 1; skipWhitespace(); continue }
            if input[i] == UInt8(ascii: "}") { i += 1; return }
            throw fail("expected , or }")
        }
    }

    private mutating func array(depth: Int, category: String?) throws {
        guard depth <= JSONMasker.maxDepth else { throw fail("nesting deeper than \(JSONMasker.maxDepth)") }
        i += 1
        skipWhitespace()
        if i < input.count && input[i] == UInt8(ascii: "]") { i += 1; return }
        var index = 0
        while true {
            try child(.index(index), depth: depth, category: category)
            index += 1
            skipWhitespace()
            guard i < input.count else { throw fail("unterminated array") }
            if input[i] == UInt8(ascii: ",") { i += 1; skipWhitespace(); continue }
            if input[i] == UInt8(ascii: "]") { i += 1; return }
            throw fail("expected , or ]")
        }
    }

    /// A member or element: inherits the container's category, else takes its own path's.
    private mutating func child(_ step: JSONLocation, depth: Int, category: String?) throws {
        guard !masker.fieldTable.isEmpty else { return try value(depth: depth, category: nil) }
        location.append(step)
        defer { location.removeLast() }
        try value(depth: depth, category: category ?? masker.fieldTable.category(at: location))
    }

    private mutating func stringValue(category: String?) throws {
        let start = i
        let (content, plain) = try stringContent()
        if plain {
            return try maskScalar(UnsafeRawBufferPointer(rebasing: input[content]), token: start..<i, category: category)
        }
        // Moved out of `self` while it is read, so that masking it may change `self`.
        var decoded = scratch
        scratch = []
        defer { scratch = decoded }
        decoded.removeAll(keepingCapacity: true)
        try JSONStringCodec.decode(input, content, into: &decoded)
        let token = start..<i
        try decoded.withUnsafeBytes { try maskScalar($0, token: token, category: category) }
    }

    private mutating func number(category: String?) throws {
        let start = i
        if input[i] == UInt8(ascii: "-") { i += 1 }
        guard i < input.count, ASCII.isDigit(input[i]) else { throw fail("invalid number") }
        if input[i] == UInt8(ascii: "0") { i += 1 } else { skipDigits() }
        if i < input.count && input[i] == UInt8(ascii: ".") {
            i += 1
            guard i < input.count, ASCII.isDigit(input[i]) else { throw fail("invalid number") }
            skipDigits()
        }
        if i < input.count && (input[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < input.count && (input[i] == UInt8(ascii: "+") || input[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < input.count, ASCII.isDigit(input[i]) else { throw fail("invalid number") }
            skipDigits()
        }
        try maskScalar(UnsafeRawBufferPointer(rebasing: input[start..<i]), token: start..<i, category: category)
    }

    /// Masks one decoded scalar; a masked value replaces the token as a JSON string.
    private mutating func maskScalar(_ decoded: UnsafeRawBufferPointer, token: Range<Int>, category: String?) throws {
        // No copy of the engine per value: each would retain and release all of its parts.
        let masked = if let category {
            masker.engine.maskClassifiedValue(decoded, category: category, collecting: &hits)
        } else {
            masker.engine.mask(decoded, collecting: &hits)
        }
        guard let replacement = masked else { return }
        // Sized once for the whole document: growing a large one by doubling copies it and
        // faults in fresh pages again and again.
        if !changed { output.reserveCapacity(input.count + 64) }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied..<token.lowerBound]))
        JSONStringCodec.encode(replacement, into: &output)
        copied = token.upperBound
        changed = true
    }

    /// Skips a string token (at its opening quote); returns the range between the quotes, and
    /// whether it is plain: printable ASCII without escapes, so its bytes are its decoded text and
    /// valid as they are. Other content is validated by `JSONStringCodec.decode`.
    private mutating func stringContent() throws -> (range: Range<Int>, plain: Bool) {
        i += 1
        let start = i
        var plain = true
        while i < input.count {
            let c = input[i]
            if c == UInt8(ascii: "\"") { i += 1; return (start..<(i - 1), plain) }
            if c == UInt8(ascii: "\\") {
                plain = false
                i += 2
                continue
            }
            if c &- 0x20 >= 0x60 { plain = false }   // a control character, or not ASCII
            i += 1
        }
        throw MalformedInputError(.json, offset: start - 1, reason: "unterminated string")
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= input.count,
              UnsafeBufferPointer(start: word.utf8Start, count: n).elementsEqual(input[i..<(i + n)])
        else { throw fail("invalid literal") }
        i += n
    }

    private mutating func skipDigits() {
        while i < input.count && ASCII.isDigit(input[i]) { i += 1 }
    }

    private mutating func skipWhitespace() {
        while i < input.count {
            switch input[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private func fail(_ reason: String) -> MalformedInputError { MalformedInputError(.json, offset: i, reason: reason) }
}
