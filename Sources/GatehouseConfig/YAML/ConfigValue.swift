import Yams

/// A YAML node together with where it sits, so every problem found in it can name the line,
/// column and key path.
struct ConfigValue {
    let node: Node
    let path: KeyPath
    /// Where errors about this value point: the key it is filed under (as in
    /// `gatehouse.yaml:14:7: connections[0].upstream.sslmode: ...`), or the node itself for
    /// list items and the document root.
    let mark: Mark?
    let file: String

    func error(_ problem: String) -> ConfigurationError {
        ConfigurationError(file: file, line: mark?.line, column: mark?.column, keyPath: path.description, problem: problem)
    }

    private var scalar: Node.Scalar? {
        guard case .scalar(let scalar) = node, !node.isNull else { return nil }
        return scalar
    }

    /// Any non-null scalar, as written (`name: 2024` is the string "2024").
    func string() throws -> String {
        guard let scalar else { throw error("must be a single value, not \(kindDescription)") }
        return scalar.string
    }

    func nonEmptyString() throws -> String {
        let text = try string()
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("must not be empty") }
        return text
    }

    /// A plain decimal integer within `range` (a quoted "6432" is a string, not a number).
    func integer(in range: ClosedRange<Int>) throws -> Int {
        guard let scalar, node.isInteger, let value = Int(scalar.string) else {
            throw error("must be a whole number")
        }
        guard range.contains(value) else {
            throw error("\(value) is out of range (\(range.lowerBound) to \(range.upperBound))")
        }
        return value
    }

    /// Only `true` or `false`: YAML 1.1's yes/no/on/off are too easy to write by accident
    /// for switches that weaken a control.
    func bool() throws -> Bool {
        switch scalar?.string.lowercased() {
        case "true": return true
        case "false": return false
        default: throw error("must be true or false")
        }
    }

    /// One of an enumeration's raw values.
    func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else {
            let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw error("'\(text)' is not one of \(choices)")
        }
        return value
    }

    /// The items of a sequence, each pointing at itself for errors.
    func list() throws -> [ConfigValue] {
        guard case .sequence(let sequence) = node else { throw error("must be a list, not \(kindDescription)") }
        return sequence.enumerated().map { index, item in
            ConfigValue(node: item, path: path.appending(index: index), mark: item.mark, file: file)
        }
    }

    /// `noun` names one item in the error, e.g. "must list at least one audience".
    func nonEmptyList(of noun: String) throws -> [ConfigValue] {
        let items = try list()
        guard !items.isEmpty else { throw error("must list at least one \(noun)") }
        return items
    }

    func nonEmptyStringList(of noun: String) throws -> [String] {
        try nonEmptyList(of: noun).map { try $0.nonEmptyString() }
    }

    /// The entries of a mapping whose keys are data (column names), in document order.
    func freeFormEntries() throws -> [(key: String, value: ConfigValue)] {
        guard case .mapping(let mapping) = node else {
            throw error("must be a mapping of keys to values, not \(kindDescription)")
        }
        return try mapping.map { keyNode, valueNode in
            guard case .scalar(let key) = keyNode, !keyNode.isNull else {
                let keyMark = keyNode.mark ?? mark
                throw ConfigurationError(
                    file: file, line: keyMark?.line, column: keyMark?.column, keyPath: path.description,
                    problem: "keys must be plain names, not \(keyNode.kindDescription)")
            }
            return (key.string, ConfigValue(node: valueNode, path: path.appending(key: key.string), mark: keyNode.mark ?? mark, file: file))
        }
    }

    /// A mapping whose keys must all be among `allowedKeys`: a misspelt key must not
    /// silently leave a control at its default.
    func mapping(allowedKeys: [String]) throws -> ConfigMapping {
        try ConfigMapping(self, allowedKeys: allowedKeys)
    }

    var kindDescription: String { node.kindDescription }
}
