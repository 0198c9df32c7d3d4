import GatehouseCore

extension StatementWalker {
    /// Adds one FROM item (table, CTE reference, subquery, function, join) to the scope.
    func addFromItem(_ item: ParseNode, to scope: QueryScope) {
        guard enter() else { return }
        defer { leave() }
        guard let (type, fields) = item.tagged else { return }
        switch type {
        case "RangeVar":
            addRelation(fields, to: scope)
        case "RangeSubselect":
            // A subquery sees its sibling FROM entries only when LATERAL.
            let lateral = fields["lateral"]?.isTrue ?? false
            let outputs = statement(fields["subquery"], parent: scope, hidesParentEntries: !lateral)
            let table = DerivedTable(columns: outputs).renamed(Self.aliasColumnNames(of: fields))
            scope.entries.append(RangeEntry(name: Self.alias(of: fields) ?? "", schema: nil, source: .derived(table)))
        case "RangeFunction":
            addFunctionTable(fields, to: scope)
        case "JoinExpr":
            addJoin(fields, to: scope)
        case "RangeTableSample":
            if let relation = fields["relation"] { addFromItem(relation, to: scope) }
            walk(fields["args"], in: scope)
            walk(fields["repeatable"], in: scope)
        default:
            // XMLTABLE and anything newer: its columns derive from whatever it mentions.
            let sources = lineage(of: item, in: scope).uniqued
            let table = DerivedTable(columns: [], anyColumnSources: sources).renamed(Self.aliasColumnNames(of: fields))
            scope.entries.append(RangeEntry(name: Self.alias(of: fields) ?? "", schema: nil, source: .derived(table)))
        }
    }

    /// A named relation: a CTE when an unqualified name matches one, else a base relation read.
    private func addRelation(_ rangeVar: ParseNode, to scope: QueryScope) {
        let relation = Self.relationName(rangeVar)
        let alias = Self.alias(of: rangeVar)
        if relation.schema == nil, rangeVar["catalogname"] == nil, let cte = scope.commonTable(named: relation.name) {
            let table = cte.renamed(Self.aliasColumnNames(of: rangeVar))
            scope.entries.append(RangeEntry(name: alias ?? relation.name, schema: nil, source: .derived(table)))
            return
        }
        reads.append(relation)
        scope.entries.append(.table(relation, alias: alias))
    }

    /// A function in FROM (or ROWS FROM(...)): its columns derive from its arguments.
    private func addFunctionTable(_ fields: ParseNode, to scope: QueryScope) {
        var sources: [ColumnReference] = []
        var functionNames: [String] = []
        var definedColumns: [String] = []
        var allKnown = true
        let functions = fields["functions"]?.items ?? []
        for function in functions {
            // Each item is a list: the call, then its column definition list (possibly empty).
            let parts = function.items
            guard let call = parts.first else { continue }
            // Functions in FROM may refer to the entries before them, as if LATERAL.
            sources += lineage(of: call, in: scope)
            if let name = call["FuncCall"]?["funcname"]?.nameList {
                functionNames.append(name.last ?? "")
                allKnown = allKnown && BuiltinFunctions.isKnown(name)
            }
            if parts.count > 1 {
                definedColumns += parts[1].items.compactMap { $0["ColumnDef"]?["colname"]?.stringValue }
            }
        }
        let name = Self.alias(of: fields) ?? functionNames.first ?? ""
        var columnNames: [String]?
        if !definedColumns.isEmpty {
            columnNames = definedColumns
        } else if functions.count == 1, allKnown, let function = functionNames.first {
            // A built-in returns either a known record or one column named like the entry.
            columnNames = Self.recordColumns[function] ?? [name]
        }
        if columnNames != nil, fields["ordinality"]?.isTrue ?? false { columnNames?.append("ordinality") }
        let uniqueSources = sources.uniqued
        let table = DerivedTable(
            columns: (columnNames ?? []).map { OutputColumn(name: $0, sources: uniqueSources) },
            anyColumnSources: columnNames == nil ? uniqueSources : nil
        ).renamed(Self.aliasColumnNames(of: fields))
        scope.entries.append(RangeEntry(name: name, schema: nil, source: .derived(table)))
    }

    /// Built-in set-returning functions whose result has several named columns.
    private static let recordColumns: [String: [String]] = [
        "json_each": ["key", "value"], "jsonb_each": ["key", "value"],
        "json_each_text": ["key", "value"], "jsonb_each_text": ["key", "value"],
    ]

    /// Both sides' entries join the scope; an aliased join hides them behind its alias.
    private func addJoin(_ fields: ParseNode, to scope: QueryScope) {
        let start = scope.entries.count
        if let left = fields["larg"] { addFromItem(left, to: scope) }
        let middle = scope.entries.count
        if let right = fields["rarg"] { addFromItem(right, to: scope) }
        let end = scope.entries.count

        // USING (a) compares column a of each side.
        for column in fields["usingClause"]?.nameList ?? [] {
            for side in [scope.entries[start..<middle], scope.entries[middle..<end]] {
                let candidates = side.filter { $0.mayHave(column) }
                if candidates.count == 1 { columns.append(contentsOf: candidates[0].sources(of: column)) }
            }
        }
        walk(fields["quals"], in: scope)

        if let alias = Self.alias(of: fields) {
            let joined = scope.entries[start...].flatMap(\.starExpansion)
            let table = DerivedTable(columns: joined).renamed(Self.aliasColumnNames(of: fields))
            scope.entries.removeSubrange(start...)
            scope.entries.append(RangeEntry(name: alias, schema: nil, source: .derived(table)))
        }
    }
}
