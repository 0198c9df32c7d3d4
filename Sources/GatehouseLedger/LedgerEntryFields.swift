/// One JSON object of an entry being read field by field: each field is taken once, with its
/// type checked, and `finish()` refuses whatever is left, so an entry has no field format v1 does
/// not define. An optional field is absent, never `null` (the canonical form omits it).
struct LedgerEntryFields {
    let path: String
    private var members: [String: CanonicalJSONValue]

    init(_ value: CanonicalJSONValue, path: String) throws {
        guard case .object(let members) = value else { throw LedgerEntryError.wrongType(path.isEmpty ? "(entry)" : path) }
        self.path = path
        self.members = members
    }

    func path(of key: String) -> String { path.isEmpty ? key : path + "." + key }

    private mutating func take(_ key: String) throws -> CanonicalJSONValue? {
        guard let value = members.removeValue(forKey: key) else { return nil }
        if case .null = value { throw LedgerEntryError.unexpectedField(path(of: key)) }
        return value
    }

    private mutating func require(_ key: String) throws -> CanonicalJSONValue {
        guard let value = try take(key) else { throw LedgerEntryError.missingField(path(of: key)) }
        return value
    }

    mutating func optionalString(_ key: String) throws -> String? {
        guard let value = try take(key) else { return nil }
        guard case .string(let string) = value else { throw LedgerEntryError.wrongType(path(of: key)) }
        return string
    }

    mutating func string(_ key: String) throws -> String {
        guard case .string(let string) = try require(key) else { throw LedgerEntryError.wrongType(path(of: key)) }
        return string
    }

    mutating func optionalInteger(_ key: String) throws -> Int? {
        guard let value = try take(key) else { return nil }
        guard case .integer(let integer) = value else { throw LedgerEntryError.wrongType(path(of: key)) }
        return integer
    }

    mutating func integer(_ key: String) throws -> Int {
        guard case .integer(let integer) = try require(key) else { throw LedgerEntryError.wrongType(path(of: key)) }
        return integer
    }

    mutating func optionalBool(_ key: String) throws -> Bool? {
        guard let value = try take(key) else { return nil }
        guard case .bool(let bool) = value else { throw LedgerEntryError.wrongType(path(of: key)) }
        return bool
    }

    mutating func bool(_ key: String) throws -> Bool {
        guard case .bool(let bool) = try require(key) else { throw LedgerEntryError.wrongType(path(of: key)) }
        return bool
    }

    mutating func optionalArray(_ key: String) throws -> [CanonicalJSONValue]? {
        guard let value = try take(key) else { return nil }
        guard case .array(let elements) = value else { throw LedgerEntryError.wrongType(path(of: key)) }
        return elements
    }

    mutating func array(_ key: String) throws -> [CanonicalJSONValue] {
        guard case .array(let elements) = try require(key) else { throw LedgerEntryError.wrongType(path(of: key)) }
        return elements
    }

    mutating func optionalObject(_ key: String) throws -> LedgerEntryFields? {
        guard let value = try take(key) else { return nil }
        return try LedgerEntryFields(value, path: path(of: key))
    }

    mutating func object(_ key: String) throws -> LedgerEntryFields {
        try LedgerEntryFields(try require(key), path: path(of: key))
    }

    /// Each element of the array `key` read as an object by `read`.
    mutating func objects<Element>(_ key: String, _ read: (inout LedgerEntryFields) throws -> Element) throws -> [Element] {
        try readObjects(try array(key), key: key, read)
    }

    mutating func optionalObjects<Element>(_ key: String, _ read: (inout LedgerEntryFields) throws -> Element) throws -> [Element]? {
        try optionalArray(key).map { try readObjects($0, key: key, read) }
    }

    private func readObjects<Element>(_ elements: [CanonicalJSONValue], key: String,
                                      _ read: (inout LedgerEntryFields) throws -> Element) throws -> [Element] {
        try elements.enumerated().map { index, element in
            var fields = try LedgerEntryFields(element, path: path(of: key) + "[\(index)]")
            let value = try read(&fields)
            try fields.finish()
            return value
        }
    }

    /// Refuses any field nobody took.
    func finish() throws {
        if let extra = members.keys.min(by: CanonicalJSONValue.sortsBefore) {
            throw LedgerEntryError.unexpectedField(path(of: extra))
        }
    }
}
