/// One JSON object of an entry being read field by field: each field is taken once, with its
/// type checked, and `finish()` refuses whatever is left, so an entry has no field format v1 does
/// not define. An optional field is absent, never `null` (the canonical form omits it).
struct LedgerEntryFields {
    /// Where this object sits, as parts: the text is built only for an error message, since a
    /// verification reads millions of objects and almost never reports one.
    private let parentPath: String
    private let key: String?
    private let index: Int?
    private let members: [String: CanonicalJSONValue]
    /// Keys read so far: `finish()` refuses the rest. (Reading does not remove members, which
    /// would copy the parsed dictionary.)
    private var taken: [String] = []

    init(_ value: CanonicalJSONValue, path: String) throws {
        try self.init(value, parentPath: path, key: nil, index: nil)
    }

    private init(_ value: CanonicalJSONValue, parentPath: String, key: String?, index: Int?) throws {
        self.parentPath = parentPath
        self.key = key
        self.index = index
        guard case .object(let members) = value else {
            let path = Self.path(parentPath, key, index)
            throw LedgerEntryError.wrongType(path.isEmpty ? "(entry)" : path)
        }
        self.members = members
        taken.reserveCapacity(members.count)
    }

    var path: String { Self.path(parentPath, key, index) }

    private static func path(_ parent: String, _ key: String?, _ index: Int?) -> String {
        guard let key else { return parent }
        let keyed = parent.isEmpty ? key : parent + "." + key
        return index.map { keyed + "[\($0)]" } ?? keyed
    }

    func path(of key: String) -> String { Self.path(path, key, nil) }

    private mutating func take(_ key: String) throws -> CanonicalJSONValue? {
        guard let value = members[key] else { return nil }
        if !taken.contains(key) { taken.append(key) }
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
        return try LedgerEntryFields(value, parentPath: path, key: key, index: nil)
    }

    mutating func object(_ key: String) throws -> LedgerEntryFields {
        try LedgerEntryFields(try require(key), parentPath: path, key: key, index: nil)
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
        let parent = path
        return try elements.enumerated().map { index, element in
            var fields = try LedgerEntryFields(element, parentPath: parent, key: key, index: index)
            let value = try read(&fields)
            try fields.finish()
            return value
        }
    }

    /// Refuses any field nobody took.
    func finish() throws {
        guard taken.count < members.count else { return }  // `taken` holds each key once
        if let extra = members.keys.filter({ !taken.contains($0) }).min(by: CanonicalJSONValue.sortsBefore) {
            throw LedgerEntryError.unexpectedField(path(of: extra))
        }
    }
}
