/// Rewrites elements of a PostgreSQL array in text format (array_out's literal:
/// `{a,"b c",NULL,{nested}}`, optionally prefixed by bounds `[0:1]={...}`).
///
/// Only replaced elements are re-encoded; every other byte (bounds decoration, whitespace,
/// quoting and escapes of untouched elements, NULLs) is copied as it was. The literal is
/// validated as it is read (balanced braces, separators, terminated quotes, at most
/// `maxDimensions` levels), so a malformed literal throws instead of being half-masked.
/// The separator is `,`: the only built-in element types with another (box uses `;`) are never
/// rewritten.
struct ArrayLiteralRewriter {
    static let maxDimensions = 6

    /// Calls `element` with the decoded content of every non-NULL element, in order; a non-nil
    /// return replaces that element. Returns nil when nothing was replaced.
    static func rewrite(
        _ input: UnsafeRawBufferPointer,
        element: (UnsafeRawBufferPointer) throws -> [UInt8]?
    ) throws -> [UInt8]? {
        var pass = ArrayLiteralRewriter(input: input)
        try pass.run(element)
        guard pass.changed else { return nil }
        pass.output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[pass.copied...]))
        return pass.output
    }

    private let input: UnsafeRawBufferPointer
    private var i = 0
    private var output: [UInt8] = []
    private var copied = 0
    private var changed = false
    private var scratch: [UInt8] = []

    private init(input: UnsafeRawBufferPointer) {
        self.input = input
    }

    private mutating func run(_ element: (UnsafeRawBufferPointer) throws -> [UInt8]?) throws {
        skipSpace()
        if i < input.count && input[i] == UInt8(ascii: "[") { try boundsDecoration() }
        skipSpace()
        guard i < input.count && input[i] == UInt8(ascii: "{") else { throw fail("expected {") }
        try list(depth: 1, element)
        skipSpace()
        guard i == input.count else { throw fail("unexpected data after the closing }") }
    }

    /// `[lower:upper]` per dimension, then `=`.
    private mutating func boundsDecoration() throws {
        while i < input.count && input[i] == UInt8(ascii: "[") {
            i += 1
            while i < input.count && input[i] != UInt8(ascii: "]") {
                let c = input[i]
                guard ASCII.isDigit(c) || c == UInt8(ascii: ":") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") else {
                    throw fail("invalid dimension decoration")
                }
                i += 1
            }
            guard i < input.count else { throw fail("unterminated dimension decoration") }
            i += 1
        }
        skipSpace()
        guard i < input.count && input[i] == UInt8(ascii: "=") else { throw fail("expected = after the dimensions") }
        i += 1
    }

    private mutating func list(depth: Int, _ element: (UnsafeRawBufferPointer) throws -> [UInt8]?) throws {
        guard depth <= Self.maxDimensions else { throw fail("more than \(Self.maxDimensions) dimensions") }
        i += 1   // {
        skipSpace()
        if i < input.count && input[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            skipSpace()
            guard i < input.count else { throw fail("unterminated {") }
            if input[i] == UInt8(ascii: "{") {
                try list(depth: depth + 1, element)
            } else {
                try self.element(element)
            }
            skipSpace()
            guard i < input.count else { throw fail("unterminated {") }
            if input[i] == UInt8(ascii: ",") { i += 1; continue }
            if input[i] == UInt8(ascii: "}") { i += 1; return }
            throw fail("expected , or }")
        }
    }

    /// One element, quoted, unquoted or mixed (array_in accepts `a"b c"d`); leading and trailing
    /// unquoted whitespace is not part of it.
    private mutating func element(_ transform: (UnsafeRawBufferPointer) throws -> [UInt8]?) throws {
        let start = i
        var end = i
        var inQuotes = false
        var decorated = false   // quotes or backslashes: content differs from the raw bytes
        scan: while i < input.count {
            let c = input[i]
            if c == UInt8(ascii: "\\") {
                guard i + 1 < input.count else { throw fail("backslash at the end") }
                decorated = true
                i += 2
                end = i
                continue
            }
            if inQuotes {
                if c == UInt8(ascii: "\"") { inQuotes = false; end = i + 1 }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                inQuotes = true
                decorated = true
                i += 1
            case UInt8(ascii: ","), UInt8(ascii: "}"):
                break scan
            case UInt8(ascii: "{"):
                throw fail("unexpected { inside an element")
            default:
                i += 1
                if !Self.isSpace(c) { end = i }
            }
        }
        guard !inQuotes else { throw fail("unterminated quoted element") }
        guard end > start else { throw fail("empty unquoted element") }
        let raw = UnsafeRawBufferPointer(rebasing: input[start..<end])
        if !decorated && Self.isNULL(raw) { return }

        let replacement: [UInt8]?
        if decorated {
            scratch.removeAll(keepingCapacity: true)
            var j = 0
            while j < raw.count {
                let c = raw[j]
                if c == UInt8(ascii: "\\") { scratch.append(raw[j + 1]); j += 2; continue }
                if c != UInt8(ascii: "\"") { scratch.append(c) }
                j += 1
            }
            replacement = try scratch.withUnsafeBytes { try transform($0) }
        } else {
            replacement = try transform(raw)
        }
        guard let replacement else { return }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied..<start]))
        Self.appendEncoded(replacement, to: &output)
        copied = end
        changed = true
    }

    /// array_out's quoting: quoted when empty, `NULL`, or holding a brace, comma, quote,
    /// backslash or whitespace; quotes and backslashes escaped with a backslash.
    static func appendEncoded(_ value: [UInt8], to output: inout [UInt8]) {
        let needsQuotes = value.isEmpty || value.withUnsafeBytes { isNULL($0) } || value.contains {
            $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: ",")
                || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || isSpace($0)
        }
        guard needsQuotes else { output.append(contentsOf: value); return }
        output.append(UInt8(ascii: "\""))
        for c in value {
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { output.append(UInt8(ascii: "\\")) }
            output.append(c)
        }
        output.append(UInt8(ascii: "\""))
    }

    /// array_isspace: space, \t, \n, \r, \v, \f.
    static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || (c >= 0x09 && c <= 0x0D)
    }

    static func isNULL(_ raw: UnsafeRawBufferPointer) -> Bool {
        raw.count == 4 && (raw[0] | 0x20) == UInt8(ascii: "n") && (raw[1] | 0x20) == UInt8(ascii: "u")
            && (raw[2] | 0x20) == UInt8(ascii: "l") && (raw[3] | 0x20) == UInt8(ascii: "l")
    }

    private mutating func skipSpace() {
        while i < input.count && Self.isSpace(input[i]) { i += 1 }
    }

    private func fail(_ reason: String) -> PostgresMaskingError {
        PostgresMaskingError(.arrayLiteral, "\(reason) at byte \(i)")
    }
}

enum ASCII {
    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
