import CPGQuery

/// What PostgreSQL's parser made of a text: its JSON parse tree, or its error.
enum ParserOutput: Sendable {
    case tree(json: String)
    case error(message: String, cursorPosition: Int)
}

/// Calls libpg_query (PostgreSQL 15's raw parser). The caller must have made sure the text
/// holds no NUL byte: the parser takes a C string and would stop at the first one.
enum PostgresParser {
    static func parse(_ text: String) -> ParserOutput {
        let result = text.withCString { pg_query_parse($0) }
        defer { pg_query_free_parse_result(result) }
        if let error = result.error {
            let message = error.pointee.message.map { String(cString: $0) } ?? "unknown parser error"
            return .error(message: message, cursorPosition: Int(error.pointee.cursorpos))
        }
        guard let tree = result.parse_tree else {
            return .error(message: "parser returned no tree", cursorPosition: 0)
        }
        return .tree(json: String(cString: tree))
    }
}
