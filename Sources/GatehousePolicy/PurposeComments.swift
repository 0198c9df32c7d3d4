/// The comments that lead a SQL text, before its first token: where a purpose is given.
enum PurposeComments {
    /// The bodies of the leading `/* … */` and `-- …` comments, in order. An unterminated block
    /// comment yields nothing (PostgreSQL rejects the text anyway).
    static func leading(in text: String) -> [Substring] {
        var comments: [Substring] = []
        var rest = text[...].drop(while: \.isWhitespace)
        while true {
            if rest.hasPrefix("/*") {
                let body = rest.dropFirst(2)
                guard let end = body.firstRange(of: "*/") else { return comments }
                comments.append(body[..<end.lowerBound])
                rest = body[end.upperBound...]
            } else if rest.hasPrefix("--") {
                let body = rest.dropFirst(2)
                let end = body.firstIndex(where: \.isNewline) ?? body.endIndex
                comments.append(body[..<end])
                rest = body[end...]
            } else {
                return comments
            }
            rest = rest.drop(while: \.isWhitespace)
        }
    }
}
