import GatehouseCore

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
            tables.append(DataClassification.Table(relation: relation, category: category, columns: columns ?? [:]))
        }
        return DataClassification(tables: tables)
    }

    /// `column: category` pairs; column names fold to lower case as in PostgreSQL.
    private func decodeClassifiedColumns(_ value: ConfigValue) throws -> [String: String] {
        let entries = try value.freeFormEntries()
        guard !entries.isEmpty else { throw value.error("must list at least one column (or be removed)") }
        var columns: [String: String] = [:]
        for (key, categoryValue) in entries {
            guard let column = PostgresIdentifier.column(key) else {
                throw categoryValue.error("'\(key)' is not a column name")
            }
            guard columns[column] == nil else { throw categoryValue.error("column \(column) is classified twice") }
            columns[column] = try categoryValue.nonEmptyString()
        }
        return columns
    }
}
