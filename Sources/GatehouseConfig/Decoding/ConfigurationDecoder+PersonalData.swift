import GatehouseCore
import GatehouseMasking

extension ConfigurationDecoder {
    func decodePersonalData(_ value: ConfigValue?) throws -> DataClassification {
        guard let value else { return DataClassification() }
        var tables: [DataClassification.Table] = []
        var subjectKeys: [DataClassification.SubjectKey] = []
        var tableLines: [RelationName: Int] = [:]
        for item in try value.list() {
            let entry = try item.mapping(allowedKeys: ["table", "columns", "category", "subject_key"])
            let tableValue = try entry.required("table")
            let tableName = try tableValue.string()
            guard let relation = PostgresIdentifier.relation(tableName) else {
                throw tableValue.error("'\(tableName)' is not a table name (write schema.table or table)")
            }
            if let firstLine = tableLines[relation] {
                throw tableValue.error("table \(relation) is already classified on line \(firstLine)")
            }
            tableLines[relation] = tableValue.mark?.line ?? 0
            let columns = try entry.optional("columns").map(decodeClassifiedColumns)
            let category = try entry.optional("category")?.nonEmptyString()
            let subjectKey = try entry.optional("subject_key").map { try decodeSubjectKey($0, of: relation) }
            guard columns != nil || category != nil || subjectKey != nil else {
                throw item.error("needs 'columns', 'category' or 'subject_key'")
            }
            if let subjectKey { subjectKeys.append(subjectKey) }
            guard columns != nil || category != nil else { continue }
            tables.append(DataClassification.Table(relation: relation, category: category, columns: columns?.categories ?? [:],
                                                   jsonFields: columns?.jsonFields ?? [:]))
        }
        return DataClassification(tables: tables, subjectKeys: subjectKeys)
    }

    /// `subject_key: column`, or `subject_key: {column: c, of: schema.table}` for a column that
    /// holds the key of another table's subjects (a foreign key).
    private func decodeSubjectKey(_ value: ConfigValue, of relation: RelationName) throws -> DataClassification.SubjectKey {
        func column(_ value: ConfigValue) throws -> String {
            let text = try value.nonEmptyString()
            guard let name = PostgresIdentifier.column(text) else { throw value.error("'\(text)' is not a column name") }
            return name
        }
        guard case .mapping = value.node else {
            return DataClassification.SubjectKey(relation: relation, column: try column(value))
        }
        let detail = try value.mapping(allowedKeys: ["column", "of"])
        var subjects: RelationName?
        if let ofValue = try detail.optional("of") {
            let name = try ofValue.string()
            guard let parsed = PostgresIdentifier.relation(name) else {
                throw ofValue.error("'\(name)' is not a table name (write schema.table or table)")
            }
            subjects = parsed
        }
        return DataClassification.SubjectKey(relation: relation, column: try column(try detail.required("column")), subjects: subjects)
    }

    /// `column: category` pairs, or `column: {category: ..., json_fields: {path: category}}` for
    /// a JSON column masked field by field; column names fold to lower case as in PostgreSQL.
    private func decodeClassifiedColumns(_ value: ConfigValue) throws
        -> (categories: [String: String], jsonFields: [String: [String: String]])
    {
        let entries = try value.freeFormEntries()
        guard !entries.isEmpty else { throw value.error("must list at least one column (or be removed)") }
        var columns: [String: String] = [:]
        var jsonFields: [String: [String: String]] = [:]
        for (key, columnValue) in entries {
            guard let column = PostgresIdentifier.column(key) else {
                throw columnValue.error("'\(key)' is not a column name")
            }
            guard columns[column] == nil else { throw columnValue.error("column \(column) is classified twice") }
            guard case .mapping = columnValue.node else {
                columns[column] = try columnValue.nonEmptyString()
                continue
            }
            let detail = try columnValue.mapping(allowedKeys: ["category", "json_fields"])
            columns[column] = try detail.required("category").nonEmptyString()
            if let fieldsValue = try detail.optional("json_fields") {
                let fields = try fieldsValue.freeFormEntries()
                guard !fields.isEmpty else { throw fieldsValue.error("must list at least one field path (or be removed)") }
                var paths: [String: String] = [:]
                for (path, categoryValue) in fields {
                    do {
                        _ = try JSONPath(path)
                    } catch {
                        throw categoryValue.error("'\(path)' is not a JSON field path: \(error)")
                    }
                    paths[path] = try categoryValue.nonEmptyString()
                }
                jsonFields[column] = paths
            }
        }
        return (columns, jsonFields)
    }
}
