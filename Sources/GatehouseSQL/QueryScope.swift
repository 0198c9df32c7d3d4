import GatehouseCore

/// Something in a FROM list that column references can name.
struct RangeEntry {
    enum Source {
        case table(RelationName)
        case derived(DerivedTable)
    }

    /// The name references qualify columns with: the alias, else the relation's own name.
    var name: String
    /// The schema a reference may put before the name (only an unaliased table has one).
    var schema: String?
    var source: Source

    static func table(_ relation: RelationName, alias: String?) -> RangeEntry {
        RangeEntry(name: alias ?? relation.name, schema: alias == nil ? relation.schema : nil, source: .table(relation))
    }

    func mayHave(_ column: String) -> Bool {
        switch source {
        case .table: return true
        case .derived(let table): return table.mayHave(column)
        }
    }

    func definitelyHas(_ column: String) -> Bool {
        if case .derived(let table) = source { return table.definitelyHas(column) }
        return false
    }

    /// The base columns a column of this entry derives from.
    func sources(of column: String) -> [ColumnReference] {
        switch source {
        case .table(let relation): return [ColumnReference(relation: relation, column: column)]
        case .derived(let table): return table.sources(of: column) ?? []
        }
    }

    /// What a whole-row reference (`c`, `c.*`) derives from.
    var wholeRowSources: [ColumnReference] {
        switch source {
        case .table(let relation): return [ColumnReference(relation: relation, column: "*")]
        case .derived(let table): return table.allSources
        }
    }

    /// The output columns `name.*` expands to.
    var starExpansion: [OutputColumn] {
        switch source {
        case .table(let relation):
            return [OutputColumn(name: "*", sources: [ColumnReference(relation: relation, column: "*")])]
        case .derived(let table): return table.starExpansion(named: name)
        }
    }
}

/// The names visible at one level of a query: its FROM entries and its CTEs, with the
/// enclosing query's level as parent (for correlated references).
final class QueryScope {
    let parent: QueryScope?
    /// A subquery in FROM that is not LATERAL cannot see its siblings in the parent's FROM.
    let hidesParentEntries: Bool
    var entries: [RangeEntry] = []
    var commonTables: [String: DerivedTable] = [:]

    init(parent: QueryScope?, hidesParentEntries: Bool = false) {
        self.parent = parent
        self.hidesParentEntries = hidesParentEntries
    }

    /// The CTE a bare relation name refers to, searching outwards.
    func commonTable(named name: String) -> DerivedTable? {
        commonTables[name] ?? parent?.commonTable(named: name)
    }

    /// Entries visible from here, innermost level first.
    var visibleLevels: [[RangeEntry]] {
        var levels: [[RangeEntry]] = []
        var level: QueryScope? = self
        var hidden = false
        while let current = level {
            levels.append(hidden ? [] : current.entries)
            hidden = current.hidesParentEntries
            level = current.parent
        }
        return levels
    }

    /// The entry a qualified reference `[schema.]name.column` names, searching outwards.
    func entry(named name: String, schema: String?) -> RangeEntry? {
        for level in visibleLevels {
            if let match = level.last(where: {
                $0.name == name && (schema == nil || $0.schema == nil || $0.schema == schema)
            }) {
                return match
            }
        }
        return nil
    }

    /// Resolves an unqualified name: a column of the one entry that may have it, or a
    /// whole-row reference to an entry of that name.
    func resolveUnqualified(_ name: String) -> [ColumnReference] {
        for level in visibleLevels {
            // PostgreSQL tries columns first, but a base table's columns are unknown here: a
            // name that is an entry's name is taken as that entry's whole row.
            if let entry = level.last(where: { $0.name == name && !$0.definitelyHas(name) }),
                !level.contains(where: { $0.definitelyHas(name) })
            {
                return entry.wholeRowSources
            }
            let candidates = level.filter { $0.mayHave(name) }
            if candidates.count == 1 { return candidates[0].sources(of: name) }
            if candidates.count > 1 {
                // When exactly one entry is known to have the column, it is that one (were
                // another to have it too, PostgreSQL would reject the reference as ambiguous).
                let certain = candidates.filter { $0.definitelyHas(name) }
                if certain.count == 1 { return certain[0].sources(of: name) }
                // Otherwise PostgreSQL knows which entry has it; the text alone does not.
                return [ColumnReference(relation: nil, column: name)]
            }
        }
        return [ColumnReference(relation: nil, column: name)]
    }
}
