import GatehouseCore

/// The result columns of something a query reads that is not a base table (a subquery, a
/// CTE, a function in FROM), each traced to the base columns it derives from.
struct DerivedTable {
    /// Result columns in order. A `*` column stands for every column of the base relations
    /// in its sources (a `SELECT *` the analysis could not expand).
    var columns: [OutputColumn]
    /// When set, the column list is not known and any column name resolves to these sources.
    var anyColumnSources: [ColumnReference]?

    init(columns: [OutputColumn], anyColumnSources: [ColumnReference]? = nil) {
        self.columns = columns
        self.anyColumnSources = anyColumnSources
    }

    /// Relations whose columns pass through unnamed, by an unexpanded `*`.
    private var starRelations: [RelationName] {
        columns.filter { $0.name == "*" }.flatMap(\.sources)
            .filter { $0.column == "*" }.compactMap(\.relation).uniqued
    }

    /// Whether the column list is known and names this column.
    func definitelyHas(_ column: String) -> Bool {
        columns.contains { $0.name == column }
    }

    /// Whether a column of this name may exist here.
    func mayHave(_ column: String) -> Bool {
        definitelyHas(column) || columns.contains { $0.name == "*" } || anyColumnSources != nil
    }

    /// The base columns a column of this name derives from; nil when there is no such column.
    func sources(of column: String) -> [ColumnReference]? {
        if let named = columns.first(where: { $0.name == column }) { return named.sources }
        let stars = starRelations
        if stars.count == 1 { return [ColumnReference(relation: stars[0], column: column)] }
        if stars.count > 1 { return [ColumnReference(relation: nil, column: column)] }
        return anyColumnSources
    }

    /// Everything a whole-row reference to this table derives from.
    var allSources: [ColumnReference] {
        (columns.flatMap(\.sources) + (anyColumnSources ?? [])).uniqued
    }

    /// The output columns `alias.*` expands to.
    func starExpansion(named name: String) -> [OutputColumn] {
        if columns.isEmpty, let anyColumnSources { return [OutputColumn(name: name, sources: anyColumnSources)] }
        return columns
    }

    /// The table with its first columns renamed, as `AS alias(a, b)` does.
    func renamed(_ names: [String]) -> DerivedTable {
        guard !names.isEmpty else { return self }
        var copy = self
        var position = 0
        for (offset, column) in copy.columns.enumerated() where position < names.count {
            // Past an unexpanded `*` the column positions are unknown.
            if column.name == "*" { break }
            copy.columns[offset].name = names[position]
            position += 1
        }
        if position < names.count, copy.columns.allSatisfy({ $0.name != "*" }) {
            // More names than known columns (a function's record): the extra names still exist.
            let extra = copy.anyColumnSources ?? []
            copy.columns += names[position...].map { OutputColumn(name: $0, sources: extra) }
        }
        return copy
    }
}
