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
        let functions = fields["functions"]?.items ?? []
        let calls = functions.compactMap { $0.items.first }
        let functionNames = calls.map { $0["FuncCall"]?["funcname"]?.nameList ?? [] }
        let entryName = Self.alias(of: fields) ?? functionNames.first?.last ?? ""
        // Functions in FROM may refer to the entries before them, as if LATERAL.
        let sources = calls.flatMap { lineage(of: $0, in: scope) }.uniqued

        var columnNames: [String] = []
        var columnsKnown = true
        for (function, name) in zip(functions, functionNames) {
            // Each item is a list: the call, then its column definition list (possibly empty);
            // a lone function keeps its column definitions on the RangeFunction itself.
            var definitions = function.items.dropFirst().first?.items ?? []
            if functions.count == 1 { definitions += fields["coldeflist"]?.items ?? [] }
            let defined = definitions.compactMap { $0["ColumnDef"]?["colname"]?.stringValue }
            if !defined.isEmpty {
                columnNames += defined
            } else if BuiltinFunctions.isKnown(name), let last = name.last {
                // A built-in returns a known record, or one column named like the entry.
                columnNames += Self.recordColumns[last] ?? [functions.count == 1 ? entryName : last]
            } else {
                // Anything else may return a record of any shape.
                columnsKnown = false
            }
        }
        if fields["ordinality"]?.isTrue ?? false { columnNames.append("ordinality") }
        let table = DerivedTable(
            columns: columnNames.map { OutputColumn(name: $0, sources: sources) },
            anyColumnSources: columnsKnown ? nil : sources
        ).renamed(Self.aliasColumnNames(of: fields))
        scope.entries.append(RangeEntry(name: entryName, schema: nil, source: .derived(table)))
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

        // USING (a) and NATURAL compare the two sides with the operator named `=`.
        if fields["usingClause"] != nil || fields["isNatural"]?.isTrue ?? false { operators.append("=") }
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
