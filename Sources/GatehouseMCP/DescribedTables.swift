import GatehouseCore
import MCP

/// The `describe` tool's answer, built from catalog rows (schema, table, kind, column, type) and
/// the connection's classification. Pure.
struct DescribedTables {
    struct Table {
        var relation: RelationName
        var kind: String
        var columns: [(name: String, type: String, category: String?)] = []
    }

    var tables: [Table] = []
    private let classification: DataClassification

    init(rows: [[String?]], classification: DataClassification) {
        self.classification = classification
        for row in rows where row.count == 5 {
            guard let schema = row[0], let name = row[1], let column = row[3] else { continue }
            let relation = RelationName(schema: schema, name: name)
            if tables.last?.relation != relation {
                tables.append(Table(relation: relation, kind: Self.kindName(row[2])))
            }
            let category = classification.category(of: ColumnReference(relation: relation, column: column))
            tables[tables.count - 1].columns.append((column, row[4] ?? "", category))
        }
    }

    static func kindName(_ relkind: String?) -> String {
        switch relkind {
        case "v": "view"
        case "m": "materialized view"
        case "f": "foreign table"
        default: "table"
        }
    }

    func value(truncated: Bool) -> Value {
        let listed: [Value] = tables.map { table in
            var entry: [String: Value] = [
                "schema": .string(table.relation.effectiveSchema), "name": .string(table.relation.name), "kind": .string(table.kind),
                "columns": .array(table.columns.map { column in
                    var described: [String: Value] = ["name": .string(column.name), "type": .string(column.type)]
                    described["personal_data"] = column.category.map(Value.string) ?? .null
                    return .object(described)
                }),
            ]
            entry["personal_data"] = classification.table(table.relation)?.category.map(Value.string) ?? .null
            return .object(entry)
        }
        var structured: [String: Value] = ["tables": .array(listed)]
        if truncated { structured["notice"] = "Truncated: the catalog lists more columns than describe returns; name a table." }
        return .object(structured)
    }
}
