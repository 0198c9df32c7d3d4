import Foundation
import GatehouseCore

/// Turns one SQL text into its statements' analyses: parse, split, walk each statement.
enum StatementDescriber {
    static func describe(_ sql: String) -> [StatementAnalysis] {
        let json: String
        switch PostgresParser.parse(sql) {
        case .error(let message, let cursorPosition):
            let position = cursorPosition > 0 ? " at position \(cursorPosition)" : ""
            var analysis = StatementAnalysis.unanalysable(sql, because: message + position)
            analysis.syntaxError = SyntaxError(message: message, position: cursorPosition)
            return [analysis]
        case .tree(let tree):
            json = tree
        }

        let tree: ParseNode
        do {
            tree = try ParseNode(json: json)
        } catch {
            return [.unanalysable(sql, because: "\(error)")]
        }

        let statements = StatementSplitter.statements(of: tree, in: sql)
        if statements.isEmpty {
            return [StatementAnalysis(text: sql.trimmedSQL, kind: .empty)]
        }
        return statements.map { StatementWalker.analyze($0.node, text: $0.text) }
    }
}

/// Cuts a multi-statement text into its statements, using the positions the parser reports.
enum StatementSplitter {
    struct Statement {
        var text: String
        var node: ParseNode
    }

    static func statements(of tree: ParseNode, in sql: String) -> [Statement] {
        let bytes = Array(sql.utf8)
        return (tree["stmts"]?.items ?? []).compactMap { raw in
            guard let node = raw["stmt"] else { return nil }
            // Positions are byte offsets; 0 is omitted, and a length of 0 means "to the end".
            let start = min(max(raw["stmt_location"]?.intValue ?? 0, 0), bytes.count)
            let length = raw["stmt_len"]?.intValue ?? 0
            let end = length > 0 ? min(start + length, bytes.count) : bytes.count
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            return Statement(text: text.trimmedSQL, node: node)
        }
    }
}
