import GatehouseCore
import GatehouseMasking

extension ConfigurationDecoder {
    func decodePersonalData(_ value: ConfigValue?) throws -> DataClassification {
        guard let value else { return DataClassification() }
        var tables: [DataClassification.Table] = []
        var tableLines: [RelationName: Int] = [:]
        for item in try value.list() {
            let entry = try item.mapping(allowedKeys: ["table", "columns", "category"])
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
            guard columns != nil || category != nil else {
                throw item.error("needs 'columns' or 'category' (or both)")
            }
            tables.append(DataClassification.Table(relation: relation, category: category, columns: columns?.categories ?? [:],
                                                   jsonFields: columns?.jsonFields ?? [:]))
        }
        return DataClassification(tables: tables)
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
