import Yams

/// Turns configuration text into a node tree with positions, and every YAML failure into a
/// `ConfigurationError`.
///
/// `Yams.compose` builds `Node`s only, without constructing Swift values: the untyped
/// `Yams.load` crashed on fuzzed input (`{{}}`), and nodes keep the marks errors need.
enum YAMLDocument {
    static func root(of yaml: String, file: String) throws -> ConfigValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw configurationError(from: error, yaml: yaml, file: file)
        } catch {
            throw ConfigurationError(file: file, line: nil, column: nil, keyPath: "", problem: "cannot parse YAML")
        }
        guard let node else {
            throw ConfigurationError(file: file, line: nil, column: nil, keyPath: "", problem: "the file is empty")
        }
        return ConfigValue(node: node, path: .root, mark: node.mark, file: file)
    }

    // Yams' own descriptions quote the offending source line, which could hold a secret
    // pasted by mistake: keep only the position and libyaml's problem text.
    private static func configurationError(from error: YamlError, yaml: String, file: String) -> ConfigurationError {
        func syntaxError(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> ConfigurationError {
            var text = "YAML syntax error: \(problem)"
            if let context { text += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            return ConfigurationError(file: file, line: mark.line, column: mark.column, keyPath: "", problem: text)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return syntaxError(problem, context, mark)
        case .reader(let problem, let offset, _, _):
            let location = offset.map { lineAndColumn(ofUTF8Offset: $0, in: yaml) }
            return ConfigurationError(
                file: file, line: location?.line, column: location?.column, keyPath: "",
                problem: "unreadable YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigurationError(
                file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                problem: "duplicate key \(names) in one mapping")
        default:
            return ConfigurationError(file: file, line: nil, column: nil, keyPath: "", problem: "cannot parse YAML")
        }
    }

    /// libyaml reports reader errors as a byte offset; editors want line and column.
    static func lineAndColumn(ofUTF8Offset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var consumed = 0
        for scalar in text.unicodeScalars {
            if consumed >= offset { break }
            consumed += UTF8.width(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
