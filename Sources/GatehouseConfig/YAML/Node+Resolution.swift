import Yams

extension Node {
    /// `~`, `null` or nothing at all, unquoted.
    var isNull: Bool { tag.rawValue == Tag.Name.null.rawValue }

    /// An unquoted scalar YAML resolves as an integer.
    var isInteger: Bool { tag.rawValue == Tag.Name.int.rawValue }

    /// What the user wrote, in words, for "must be X, not Y" messages (never the value
    /// itself, which could be a secret).
    var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar: return isNull ? "empty" : "a single value"
        }
    }
}
