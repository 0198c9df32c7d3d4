/// The shape of a single SQL statement: its text with every literal (strings, numbers,
/// dollar-quoted bodies) replaced by `?` and comments by a space. Statements of one shape differ
/// only in literal values, which a DML statement's analysis does not depend on, so the analyzer
/// parses one shape once (agents and drivers without bind parameters send `... WHERE id = 42`,
/// `... = 43`...).
///
/// The lexer follows PostgreSQL's (and libpg_query's, with `standard_conforming_strings` on):
/// `'...'` with `''`, `E'...'` with backslash escapes, `$tag$...$tag$`, `"identifiers"`, nested
/// `/* */` and `--` comments, numbers including `1.5e-3`, `0x1F`, `1_000`. Anything it is not sure
/// of (an unterminated literal or comment, a second statement) gives nil: the text is then
/// simply not shape-cached.
enum LiteralShape {
    static func of(_ sql: String) -> String? {
        var lexer = Lexer(Array(sql.utf8))
        return lexer.run()
    }

    private struct Lexer {
        let bytes: [UInt8]
        var i = 0
        var out: [UInt8] = []
        /// Where the identifier just emitted ended, and whether it was `E`/`e` (escape strings).
        var identifierEnd = -1
        var escapePrefix = false
        var sawSemicolon = false

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            out.reserveCapacity(bytes.count)
        }

        mutating func run() -> String? {
            while i < bytes.count {
                let c = bytes[i]
                if sawSemicolon && !Self.isSpace(c) { return nil }  // a second statement
                switch c {
                case UInt8(ascii: "'"):
                    guard skipString(escapes: escapePrefix && identifierEnd == i) else { return nil }
                    out.append(UInt8(ascii: "?"))
                case UInt8(ascii: "\""):
                    guard copyQuotedIdentifier() else { return nil }
                case UInt8(ascii: "$") where i + 1 < bytes.count && Self.isDigit(bytes[i + 1]):
                    copyWhile { Self.isDigit($0) || $0 == UInt8(ascii: "$") }   // a parameter, $1
                case UInt8(ascii: "$"):
                    guard skipDollarQuoted() else { return nil }
                    out.append(UInt8(ascii: "?"))
                case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                    while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                    out.append(0x20)
                case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                    guard skipBlockComment() else { return nil }
                    out.append(0x20)
                case UInt8(ascii: ";"):
                    sawSemicolon = true
                    out.append(c)
                    i += 1
                case _ where Self.isDigit(c) || (c == UInt8(ascii: ".") && next.map(Self.isDigit) == true):
                    guard skipNumber() else { return nil }
                    out.append(UInt8(ascii: "?"))
                case _ where Self.isIdentifierStart(c):
                    let start = i
                    copyWhile(Self.isIdentifierPart)
                    identifierEnd = i
                    escapePrefix = i - start == 1 && (c == UInt8(ascii: "E") || c == UInt8(ascii: "e"))
                default:
                    out.append(c)
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        var next: UInt8? { i + 1 < bytes.count ? bytes[i + 1] : nil }

        mutating func copyWhile(_ belongs: (UInt8) -> Bool) {
            while i < bytes.count && belongs(bytes[i]) {
                out.append(bytes[i])
                i += 1
            }
        }

        /// `'...'` with doubled quotes; in an escape string a backslash also escapes.
        mutating func skipString(escapes: Bool) -> Bool {
            i += 1
            while i < bytes.count {
                let c = bytes[i]
                if escapes && c == UInt8(ascii: "\\") {
                    i += 2
                } else if c == UInt8(ascii: "'") {
                    if next == UInt8(ascii: "'") { i += 2 } else { i += 1; return true }
                } else {
                    i += 1
                }
            }
            return false
        }

        mutating func copyQuotedIdentifier() -> Bool {
            out.append(bytes[i])
            i += 1
            while i < bytes.count {
                out.append(bytes[i])
                if bytes[i] == UInt8(ascii: "\"") {
                    if next == UInt8(ascii: "\"") {
                        out.append(bytes[i + 1])
                        i += 2
                        continue
                    }
                    i += 1
                    return true
                }
                i += 1
            }
            return false
        }

        /// `$tag$ ... $tag$`; a `$` that does not open one is an error here (only inside an
        /// identifier, handled by the identifier rule, is it anything else).
        mutating func skipDollarQuoted() -> Bool {
            var end = i + 1
            while end < bytes.count && bytes[end] != UInt8(ascii: "$") {
                guard Self.isIdentifierPart(bytes[end]), bytes[end] != UInt8(ascii: "$") else { return false }
                end += 1
            }
            guard end < bytes.count else { return false }
            let tag = Array(bytes[i...end])
            var j = end + 1
            while j + tag.count <= bytes.count {
                if bytes[j] == UInt8(ascii: "$") && Array(bytes[j..<(j + tag.count)]) == tag {
                    i = j + tag.count
                    return true
                }
                j += 1
            }
            return false
        }

        mutating func skipBlockComment() -> Bool {
            var depth = 0
            while i + 1 < bytes.count {
                if bytes[i] == UInt8(ascii: "/") && bytes[i + 1] == UInt8(ascii: "*") {
                    depth += 1
                    i += 2
                } else if bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/") {
                    depth -= 1
                    i += 2
                    if depth == 0 { return true }
                } else {
                    i += 1
                }
            }
            return false
        }

        /// `42`, `1_000`, `1.5`, `.5`, `1e-3`, `0x1F`, `0o17`, `0b101`. A number running into
        /// letters (`1abc`, which older parsers read as `1 AS abc`) is not a shape we vouch for.
        mutating func skipNumber() -> Bool {
            if bytes[i] == UInt8(ascii: "0"), let prefix = next, Array("xXoObB".utf8).contains(prefix) {
                i += 2
                while i < bytes.count && (Self.isHexDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_")) { i += 1 }
            } else {
                skipDigits()
                if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
                    i += 1
                    skipDigits()
                }
                if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
                    i += 1
                    if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
                    guard i < bytes.count && Self.isDigit(bytes[i]) else { return false }
                    skipDigits()
                }
            }
            return !(i < bytes.count && (Self.isIdentifierPart(bytes[i]) || bytes[i] == UInt8(ascii: ".")))
        }

        mutating func skipDigits() {
            while i < bytes.count && (Self.isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_")) { i += 1 }
        }

        static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
        static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
        static func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c) }
        static func isLetter(_ c: UInt8) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
        static func isIdentifierStart(_ c: UInt8) -> Bool { isLetter(c) || c == UInt8(ascii: "_") || c >= 0x80 }
        static func isIdentifierPart(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) || c == UInt8(ascii: "$") }
    }
}
