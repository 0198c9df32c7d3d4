import GatehouseCore

/// Classification that follows personal data where a write copies it: a column filled from a
/// classified column (`INSERT INTO notes SELECT email FROM customers`, `CREATE TABLE stash AS
/// SELECT ...`, `UPDATE t SET note = full_name`) holds personal data of the same category, so
/// later statements reading it are held and masked like the original. Pure: fills and the
/// classification in, classified tables out.
public enum ClassificationDerivation {
    /// The tables (and columns) the fills make personal data; empty when they copy none. A `*`
    /// column (what may land in any column) classifies the whole table.
    public static func derive(_ fills: [FilledColumn], classification: DataClassification,
                              baseColumns: (ColumnReference) -> [ColumnReference] = { [$0] }) -> [DataClassification.Table] {
        var derived: [RelationName: DataClassification.Table] = [:]
        var order: [RelationName] = []
        for fill in fills {
            guard let target = fill.column.relation,
                  let category = category(of: fill.sources, classification: classification, baseColumns: baseColumns)
            else { continue }
            let relation = target.qualified
            if derived[relation] == nil {
                derived[relation] = DataClassification.Table(relation: relation, category: nil, columns: [:])
                order.append(relation)
            }
            if fill.column.column == "*" {
                derived[relation]!.category = derived[relation]!.category ?? category
            } else {
                derived[relation]!.columns[fill.column.column] = derived[relation]!.columns[fill.column.column] ?? category
            }
        }
        return order.map { derived[$0]! }
    }

    /// The category of a value derived from `sources`: the first classified one's.
    static func category(of sources: [ColumnReference], classification: DataClassification,
                         baseColumns: (ColumnReference) -> [ColumnReference]) -> String? {
        for source in sources.flatMap({ [$0] + baseColumns($0) }) {
            guard let relation = source.relation, let table = classification.table(relation) else { continue }
            if source.column == "*" {
                if let category = table.category ?? table.columns.keys.sorted().first.flatMap({ table.columns[$0] }) { return category }
            } else if let category = classification.category(of: source)
                        ?? table.jsonFields[source.column].flatMap({ fields in fields.keys.sorted().first.flatMap { fields[$0] } }) {
                return category
            }
        }
        return nil
    }
}
