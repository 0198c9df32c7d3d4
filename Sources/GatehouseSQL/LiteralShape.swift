/// The shape of a single SQL statement: its tokens, as PostgreSQL's own scanner reads them, with
/// every literal replaced by `?` and its kind (`?s` a string, `?i` an integer...), comments left
/// out and tokens separated by one space. Statements of one shape differ only in literal values,
/// which a DML statement's analysis does not depend on, so the analyzer parses one shape once
/// (agents and drivers without bind parameters send `... WHERE id = 42`, `... = 43`...).
///
/// Because the tokens are the server's (`PostgresScanner`), a shape can never put a literal's or
/// a comment's end somewhere the server does not. Anything unsure (a text the scanner refuses, a
/// second statement, a token whose extent the scanner does not report) gives nil: the text is
/// then simply not shape-cached.
enum LiteralShape {
    static func of(_ sql: String) -> String? {
        guard let tokens = PostgresScanner.tokens(sql) else { return nil }
        let bytes = Array(sql.utf8)
        var shape: [UInt8] = []
        shape.reserveCapacity(bytes.count)
        var sawSemicolon = false
        for token in tokens where !token.kind.isComment {
            if sawSemicolon { return nil }  // a second statement
            if !shape.isEmpty { shape.append(0x20) }
            if let letter = token.kind.literalLetter {
                shape.append(UInt8(ascii: "?"))
                shape.append(contentsOf: letter.utf8)
                continue
            }
            guard token.start < token.end, token.end <= bytes.count else { return nil }
            shape.append(contentsOf: bytes[token.start..<token.end])
            sawSemicolon = token.kind == .semicolon
        }
        return String(decoding: shape, as: UTF8.self)
    }
}
