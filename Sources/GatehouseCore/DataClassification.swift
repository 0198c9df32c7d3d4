/// Which tables and columns hold personal data, and of which category (e.g. `contact`,
/// `national-id`, `financial`). Configured per connection; the policy and the masking engine
/// read it.
public struct DataClassification: Sendable, Codable, Hashable {
    public struct Table: Sendable, Codable, Hashable {
        /// Always schema-qualified (an unqualified name in the configuration means `public`).
        public var relation: RelationName
        /// Set when the whole table is personal data.
        public var category: String?
        /// Column name to category.
        public var columns: [String: String]
        /// For JSON columns: field path (`$.caller.name`) to category, per column. Such a column
        /// is masked field by field (the detectors run on everything else in it).
        public var jsonFields: [String: [String: String]]

        public init(relation: RelationName, category: String?, columns: [String: String],
                    jsonFields: [String: [String: String]] = [:]) {
            self.relation = RelationName(schema: relation.effectiveSchema, name: relation.name)
            self.category = category
            self.columns = columns
            self.jsonFields = jsonFields
        }
    }

    /// A column whose value says which data subject a row is about (`subject_key`): its values
    /// are indexed as the response's subjects wherever they go out as stored, so that an access
    /// request finds a person's rows even where nothing of theirs was masked.
    public struct SubjectKey: Sendable, Codable, Hashable {
        /// The table holding the column, schema-qualified.
        public var relation: RelationName
        public var column: String
        /// The table whose subjects the values identify (itself, or the one a foreign key such
        /// as `orders.customer_id` points to), schema-qualified.
        public var subjects: RelationName

        public init(relation: RelationName, column: String, subjects: RelationName? = nil) {
            self.relation = RelationName(schema: relation.effectiveSchema, name: relation.name)
            self.column = column
            let subjects = subjects ?? relation
            self.subjects = RelationName(schema: subjects.effectiveSchema, name: subjects.name)
        }
    }

    public var tables: [Table]
    /// Subject keys; a table may have one without being classified (it holds no value that needs
    /// masking, but its rows are about people).
    public var subjectKeys: [SubjectKey]

    public init(tables: [Table] = [], subjectKeys: [SubjectKey] = []) {
        self.tables = tables
        self.subjectKeys = subjectKeys
    }

    /// No table holds personal data to mask or hold for (subject keys alone do not make one).
    public var isEmpty: Bool { tables.isEmpty }

    /// The subject key a base-table column is, if any.
    public func subjectKey(of column: ColumnReference) -> SubjectKey? {
        guard let relation = column.relation else { return nil }
        let qualified = RelationName(schema: relation.effectiveSchema, name: relation.name)
        return subjectKeys.first { $0.relation == qualified && $0.column == column.column }
    }

    /// The classification entry of a relation, if it is classified at all. A name a statement
    /// left unqualified is found through the session's search path, which a session, role or
    /// database can change (`SET search_path = hr`): it is taken as any classified table of
    /// that name, `public`'s first (fail safe: write `public.x` to mean exactly that one).
    public func table(_ relation: RelationName) -> Table? {
        guard relation.schema == nil else {
            return tables.first { $0.relation.name == relation.name && $0.relation.schema == relation.schema }
        }
        return tables.first { $0.relation.name == relation.name && $0.relation.schema == "public" }
            ?? tables.first { $0.relation.name == relation.name }
    }

    /// This classification with `more` added: a table already classified gains the columns (and
    /// table-wide category) it did not have; the others are appended.
    public func merging(_ more: [Table]) -> DataClassification {
        guard !more.isEmpty else { return self }
        var merged = self
        for table in more {
            if let index = merged.tables.firstIndex(where: { $0.relation == table.relation }) {
                merged.tables[index].category = merged.tables[index].category ?? table.category
                merged.tables[index].columns.merge(table.columns) { existing, _ in existing }
            } else {
                merged.tables.append(table)
            }
        }
        return merged
    }

    /// The JSON field paths classified inside one column (empty when none).
    public func jsonFields(of column: ColumnReference) -> [String: String] {
        guard let relation = column.relation, let table = table(relation) else { return [:] }
        return table.jsonFields[column.column] ?? [:]
    }

    /// The personal-data category of one column, if any (table-wide categories included).
    public func category(of column: ColumnReference) -> String? {
        guard let relation = column.relation, let table = table(relation) else { return nil }
        return table.columns[column.column] ?? table.category
    }
}
