/// One value of libpg_query's JSON parse tree.
///
/// The tree is plain JSON: a node is an object with a single key naming its type
/// (`{"SelectStmt": {...}}`), fields are object keys, lists are arrays. Some fields hold an
/// untagged node (a `RangeVar` in `relation`, a set operation's `larg`). JSON booleans are
/// kept as the integers 1 and 0: that is all the tree needs of them.
enum ParseNode: Sendable, Equatable {
    case object([String: ParseNode])
    case array([ParseNode])
    case string(String)
    case integer(Int)
    case null

    subscript(key: String) -> ParseNode? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// The elements of a list field, or none when the field is absent or not a list.
    var items: [ParseNode] {
        switch self {
        case .array(let elements): return elements
        case .object(let fields):
            // A `List` node wraps its elements: {"List": {"items": [...]}}.
            if fields.count == 1, let list = fields["List"] { return list["items"]?.items ?? [] }
            return []
        default: return []
        }
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var intValue: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// True for JSON `true` (and any non-zero integer); libpg_query omits false fields.
    var isTrue: Bool { (intValue ?? 0) != 0 }

    /// For a tagged node such as `{"ColumnRef": {...}}`: its type name and its fields.
    var tagged: (type: String, fields: ParseNode)? {
        guard case .object(let fields) = self, fields.count == 1, let (type, value) = fields.first,
            let first = type.unicodeScalars.first, ("A"..."Z").contains(first)
        else { return nil }
        return (type, value)
    }

    /// The text of a `String` node: `{"String": {"sval": "name"}}`.
    var stringNodeValue: String? { self["String"]?["sval"]?.stringValue }

    /// The names of a qualified-name list such as `funcname` or `fields` (`*` and other
    /// non-string parts are left out).
    var nameList: [String] { items.compactMap(\.stringNodeValue) }
}

extension ParseNode {
    /// Every child value of an object or array, for walks that visit everything.
    var children: [ParseNode] {
        switch self {
        case .object(let fields): return fields.keys.sorted().compactMap { fields[$0] }
        case .array(let elements): return elements
        default: return []
        }
    }
}
