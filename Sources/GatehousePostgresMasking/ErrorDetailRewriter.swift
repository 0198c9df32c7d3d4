import GatehouseMasking

/// Finds the value lists PostgreSQL prints in error details and masks those that belong to
/// classified columns:
///
/// - `Key (email)=(alice@example.com) already exists.` (unique and exclusion constraints,
///   foreign keys: `is not present in table`, `is still referenced from table`, partition
///   routing): each value is masked by its column's category. When the values cannot be told
///   apart (a value holding `, `) or a key column is an expression (`lower(email)`), the whole
///   list is masked by the first category found.
/// - `Failing row contains (1, Alice, ...)` (NOT NULL and CHECK violations): every column of the
///   table, unnamed, so the whole list is masked by the table's first category when it has a
///   classified column.
///
/// The result is a list of pieces: masked pieces must not go through the detectors again (a
/// pseudonym may look like an identifier); the rest still does.
struct ErrorDetailRewriter {
    let engine: MaskingEngine
    let lookup: ClassifiedColumnLookup
    let schema: String?
    /// The error's table first, then tables named in the message or detail (`table "x"`): a
    /// foreign key's key columns belong to the referenced table.
    let tables: [String]

    struct Piece {
        var bytes: [UInt8]
        var masked: Bool
    }

    /// nil when no value list belongs to a classified column.
    func rewrite(_ text: [UInt8], hits: inout SubjectHitCollector) -> [Piece]? {
        var pieces: [Piece] = []
        var copied = 0
        var changed = false
        var search = 0
        func emit(_ range: Range<Int>, category: String) {
            let result = engine.maskClassifiedValue(Array(text[range]), category: category)
            guard let output = result.output else { return }
            hits.add(result.hits)
            if copied < range.lowerBound { pieces.append(Piece(bytes: Array(text[copied..<range.lowerBound]), masked: false)) }
            pieces.append(Piece(bytes: output, masked: true))
            copied = range.upperBound
            changed = true
        }

        func handleKey(_ key: KeyList) {
            defer { search = max(key.valuesEnd, search + 1) }
            let columns = Self.splitTopLevel(text, key.columns).map { Self.unquotedIdentifier(text, $0) }
            var categories: [String?] = []
            var firstCategory: String?
            for column in columns {
                let category: String?
                if let name = column {
                    category = columnCategory(name)
                } else {
                    category = tableCategory()   // an expression: assume it reads the classified column
                }
                categories.append(category)
                if firstCategory == nil { firstCategory = category }
            }
            guard let firstCategory else { return }
            let values = Self.splitValues(text, key.valuesStart..<key.valuesEnd)
            guard values.count == columns.count else {
                emit(key.valuesStart..<key.valuesEnd, category: firstCategory)
                return
            }
            for (range, category) in zip(values, categories) {
                if let category, !range.isEmpty { emit(range, category: category) }
            }
        }

        while search < text.count {
            let key = nextKeyList(text, from: search)
            if let row = nextFailingRow(text, from: search), key.map({ row.lowerBound <= $0.valuesStart }) ?? true {
                if let category = tableCategory() { emit(row, category: category) }
                search = row.upperBound + 1
                continue
            }
            guard let key else { break }
            handleKey(key)
        }
        guard changed else { return nil }
        if copied < text.count { pieces.append(Piece(bytes: Array(text[copied...]), masked: false)) }
        return pieces
    }

    private func columnCategory(_ column: String) -> String? {
        for table in tables {
            if let category = lookup.category(schema, table, column) { return category }
        }
        return nil
    }

    private func tableCategory() -> String? {
        guard let table = tables.first else { return nil }
        return lookup.tableCategory(schema, table)
    }

    // MARK: - Finding the lists

    struct KeyList {
        var columns: Range<Int>
        var valuesStart: Int
        var valuesEnd: Int
    }

    private static let keySeparator = Array(")=(".utf8)
    private static let failingRow = Array("Failing row contains (".utf8)
    /// What follows a key's value list, most specific first.
    private static let keySuffixes: [[UInt8]] = [
        ") already exists", ") is duplicated", ") is not present in table", ") is still referenced from table",
        ") conflicts with existing key (", ") conflicts with key (",
    ].map { Array($0.utf8) }

    /// The next `(columns)=(values)` at or after `from`.
    private func nextKeyList(_ text: [UInt8], from: Int) -> KeyList? {
        var at = from
        while let separator = Self.find(Self.keySeparator, in: text, from: at) {
            at = separator + 1
            guard let open = Self.matchingOpen(text, close: separator) else { continue }
            let valuesStart = separator + Self.keySeparator.count
            var valuesEnd: Int?
            for suffix in Self.keySuffixes {
                if let found = Self.find(suffix, in: text, from: valuesStart), found < (valuesEnd ?? Int.max) { valuesEnd = found }
            }
            if valuesEnd == nil, let last = text.lastIndex(of: UInt8(ascii: ")")), last >= valuesStart { valuesEnd = last }
            guard let valuesEnd else { continue }
            return KeyList(columns: (open + 1)..<separator, valuesStart: valuesStart, valuesEnd: valuesEnd)
        }
        return nil
    }

    private func nextFailingRow(_ text: [UInt8], from: Int) -> Range<Int>? {
        guard let found = Self.find(Self.failingRow, in: text, from: from) else { return nil }
        let start = found + Self.failingRow.count
        guard let last = text.lastIndex(of: UInt8(ascii: ")")), last >= start else { return nil }
        return start..<last
    }

    /// The `(` matching the `)` at `close`, skipping nested parentheses and quoted identifiers.
    private static func matchingOpen(_ text: [UInt8], close: Int) -> Int? {
        var depth = 0
        var inQuotes = false
        var i = close - 1
        while i >= 0 {
            let c = text[i]
            if c == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes {
                if c == UInt8(ascii: ")") { depth += 1 }
                if c == UInt8(ascii: "(") {
                    if depth == 0 { return i }
                    depth -= 1
                }
            }
            i -= 1
        }
        return nil
    }

    /// Column list items separated by `, ` outside parentheses and quotes.
    static func splitTopLevel(_ text: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        var items: [Range<Int>] = []
        var depth = 0
        var inQuotes = false
        var start = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            let c = text[i]
            if c == UInt8(ascii: "\"") { inQuotes.toggle() } else if !inQuotes {
                if c == UInt8(ascii: "(") { depth += 1 }
                if c == UInt8(ascii: ")") { depth -= 1 }
                if c == UInt8(ascii: ","), depth == 0, i + 1 < range.upperBound, text[i + 1] == UInt8(ascii: " ") {
                    items.append(start..<i)
                    start = i + 2
                    i += 2
                    continue
                }
            }
            i += 1
        }
        items.append(start..<range.upperBound)
        return items
    }

    /// Values are printed unquoted, joined by `, `: a value holding `, ` splits wrongly, which
    /// the caller notices by the count.
    static func splitValues(_ text: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        var items: [Range<Int>] = []
        var start = range.lowerBound
        var i = range.lowerBound
        while i + 1 < range.upperBound {
            if text[i] == UInt8(ascii: ","), text[i + 1] == UInt8(ascii: " ") {
                items.append(start..<i)
                start = i + 2
                i += 2
                continue
            }
            i += 1
        }
        items.append(start..<range.upperBound)
        return items
    }

    /// A plain or double-quoted identifier's name; nil for an expression.
    static func unquotedIdentifier(_ text: [UInt8], _ range: Range<Int>) -> String? {
        let item = text[range]
        guard let first = item.first else { return nil }
        if first == UInt8(ascii: "\"") {
            guard item.count >= 2, item.last == UInt8(ascii: "\"") else { return nil }
            var name: [UInt8] = []
            var i = item.startIndex + 1
            while i < item.endIndex - 1 {
                if item[i] == UInt8(ascii: "\"") {
                    guard i + 1 < item.endIndex - 1, item[i + 1] == UInt8(ascii: "\"") else { return nil }
                    i += 1
                }
                name.append(item[i])
                i += 1
            }
            return String(decoding: name, as: UTF8.self)
        }
        let plain = item.allSatisfy { c in
            c == UInt8(ascii: "_") || c == UInt8(ascii: "$") || ASCII.isDigit(c) || c >= 0x80
                || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
        }
        return plain ? String(decoding: item, as: UTF8.self) : nil
    }

    static func find(_ needle: [UInt8], in text: [UInt8], from: Int) -> Int? {
        guard needle.count <= text.count, from <= text.count - needle.count else { return nil }
        var i = from
        while i <= text.count - needle.count {
            if text[i] == needle[0] && text[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Table names quoted after `table "` in `text`.
    static func namedTables(in text: [UInt8]) -> [String] {
        let marker = Array("table \"".utf8)
        var names: [String] = []
        var at = 0
        while let found = find(marker, in: text, from: at) {
            let start = found + marker.count
            guard let end = text[start...].firstIndex(of: UInt8(ascii: "\"")) else { break }
            names.append(String(decoding: text[start..<end], as: UTF8.self))
            at = end + 1
        }
        return names
    }
}
