import Yams

/// The entries of a YAML mapping, looked up by key, each carrying the key's position.
struct ConfigMapping {
    /// The mapping itself; errors about missing keys point here.
    let value: ConfigValue
    private let entries: [String: ConfigValue]

    init(_ value: ConfigValue, allowedKeys: [String]) throws {
        guard case .mapping(let mapping) = value.node else {
            throw value.error("must be a mapping of keys to values, not \(value.kindDescription)")
        }
        var entries: [String: ConfigValue] = [:]
        for (keyNode, valueNode) in mapping {
            let keyMark = keyNode.mark ?? value.mark
            guard case .scalar(let key) = keyNode else {
                throw ConfigurationError(
                    file: value.file, line: keyMark?.line, column: keyMark?.column, keyPath: value.path.description,
                    problem: "keys must be plain names, not \(keyNode.kindDescription)")
            }
            let entry = ConfigValue(node: valueNode, path: value.path.appending(key: key.string), mark: keyMark, file: value.file)
            guard allowedKeys.contains(key.string) else {
                // Only the key is named: the value of a stray key may be a pasted secret.
                throw entry.error("unknown key (expected one of \(allowedKeys.joined(separator: ", ")))")
            }
            entries[key.string] = entry
        }
        self.value = value
        self.entries = entries
    }

    /// The value under `key`, or nil when absent. A key written without a value is an error:
    /// it usually means the rest of the section was commented out by mistake.
    func optional(_ key: String) throws -> ConfigValue? {
        guard let entry = entries[key] else { return nil }
        if case .scalar = entry.node, entry.node.isNull {
            throw entry.error("has no value (remove the key to use the default)")
        }
        return entry
    }

    func required(_ key: String) throws -> ConfigValue {
        guard let entry = try optional(key) else {
            throw value.error("'\(key)' is required")
        }
        return entry
    }
}
