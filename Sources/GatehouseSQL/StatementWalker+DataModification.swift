import GatehouseCore

extension StatementWalker {
    /// INSERT: writes its target; its SELECT or VALUES reads; RETURNING is its result.
    func insert(_ fields: ParseNode, parent: QueryScope?) -> [OutputColumn] {
        let scope = QueryScope(parent: parent)
        addCommonTables(fields["withClause"], to: scope)
        guard let target = fields["relation"] else { return [] }
        let relation = Self.relationName(target)
        writes.append(relation)
        let named = (fields["cols"]?.items ?? []).compactMap { $0["ResTarget"]?["name"]?.stringValue }
        for name in named { columns.append(ColumnReference(relation: relation, column: name)) }
        // The source query cannot see the target table.
        let inserted = statement(fields["selectStmt"], parent: scope)
        // Which value each target column receives: by position when the columns are named;
        // otherwise (table order, which the walk does not know) any of them may be any column.
        var written = WrittenValues()
        if named.count == inserted.count {
            for (name, output) in zip(named, inserted) { written.add(name, output.sources) }
        } else {
            written.addToEveryColumn(inserted.flatMap(\.sources))
        }

        let targetEntry = RangeEntry.table(relation, alias: Self.alias(of: target))
        if let conflict = fields["onConflictClause"] {
            let conflictScope = QueryScope(parent: scope)
            // EXCLUDED is the row that was proposed for insertion.
            conflictScope.entries = [targetEntry, RangeEntry(name: "excluded", schema: nil, source: .table(relation))]
            for element in conflict["infer"]?["indexElems"]?.items ?? [] {
                if let name = element["IndexElem"]?["name"]?.stringValue {
                    columns.append(ColumnReference(relation: relation, column: name))
                }
                walk(element["IndexElem"]?["expr"], in: conflictScope)
            }
            walk(conflict["infer"]?["whereClause"], in: conflictScope)
            written.merge(assignments(conflict["targetList"], to: relation, in: conflictScope))
            walk(conflict["whereClause"], in: conflictScope)
        }
        scope.entries = [targetEntry]
        record(written, into: relation)
        return returning(fields["returningList"], from: relation, in: scope, written: written)
    }

    /// UPDATE: writes its target; FROM reads.
    func update(_ fields: ParseNode, parent: QueryScope?) -> [OutputColumn] {
        let scope = QueryScope(parent: parent)
        addCommonTables(fields["withClause"], to: scope)
        guard let relation = addTarget(fields["relation"], to: scope) else { return [] }
        for item in fields["fromClause"]?.items ?? [] { addFromItem(item, to: scope) }
        let written = assignments(fields["targetList"], to: relation, in: scope)
        walk(fields["whereClause"], in: scope)
        record(written, into: relation)
        return returning(fields["returningList"], from: relation, in: scope, written: written)
    }

    /// DELETE: writes its target; USING reads.
    func delete(_ fields: ParseNode, parent: QueryScope?) -> [OutputColumn] {
        let scope = QueryScope(parent: parent)
        addCommonTables(fields["withClause"], to: scope)
        guard let relation = addTarget(fields["relation"], to: scope) else { return [] }
        for item in fields["usingClause"]?.items ?? [] { addFromItem(item, to: scope) }
        walk(fields["whereClause"], in: scope)
        return returning(fields["returningList"], from: relation, in: scope)
    }

    /// MERGE: writes its target; its source reads.
    func merge(_ fields: ParseNode, parent: QueryScope?) -> [OutputColumn] {
        let scope = QueryScope(parent: parent)
        addCommonTables(fields["withClause"], to: scope)
        guard let relation = addTarget(fields["relation"], to: scope) else { return [] }
        if let source = fields["sourceRelation"] { addFromItem(source, to: scope) }
        walk(fields["joinCondition"], in: scope)
        for item in fields["mergeWhenClauses"]?.items ?? [] {
            guard let clause = item["MergeWhenClause"] else { continue }
            walk(clause["condition"], in: scope)
            // UPDATE SET a = ... and INSERT (a, ...) both name target columns here.
            record(assignments(clause["targetList"], to: relation, in: scope), into: relation)
            // INSERT VALUES of a MERGE: any of the target's columns may receive any of them.
            if let values = clause["values"] {
                var inserted = WrittenValues()
                inserted.addToEveryColumn(lineage(of: values, in: scope))
                record(inserted, into: relation)
            }
        }
        return []
    }

    /// The written relation of UPDATE, DELETE or MERGE, visible to its expressions.
    private func addTarget(_ target: ParseNode?, to scope: QueryScope) -> RelationName? {
        guard let target else { return nil }
        let relation = Self.relationName(target)
        writes.append(relation)
        scope.entries.append(.table(relation, alias: Self.alias(of: target)))
        return relation
    }

    /// `SET column = value` lists: the columns are the target's; the values are walked, and
    /// returned by the column they are written to.
    private func assignments(_ list: ParseNode?, to relation: RelationName, in scope: QueryScope) -> WrittenValues {
        var written = WrittenValues()
        for item in list?.items ?? [] {
            guard let target = item["ResTarget"] else { continue }
            walk(target["indirection"], in: scope)
            let sources = target["val"].map { lineage(of: $0, in: scope) } ?? []
            if let name = target["name"]?.stringValue {
                columns.append(ColumnReference(relation: relation, column: name))
                written.add(name, sources)
            } else {
                written.addToEveryColumn(sources)  // `SET (a, b) = (SELECT ...)`: any of them
            }
        }
        return written
    }

    /// The statement's `fills` for what it writes to `relation`.
    private func record(_ written: WrittenValues, into relation: RelationName) {
        fills += written.filled(relation)
    }

    /// RETURNING hands the target's rows back, so the target is read as well as written. A
    /// returned column holds what the statement wrote to it: its value derives from that too.
    private func returning(_ list: ParseNode?, from relation: RelationName, in scope: QueryScope,
                           written: WrittenValues = WrittenValues()) -> [OutputColumn] {
        guard let list, !list.items.isEmpty else { return [] }
        reads.append(relation)
        let target = relation.qualified
        return targetList(list, in: scope).map { output in
            var sources = output.sources
            for source in output.sources {
                guard source.relation?.qualified == target else { continue }
                sources += written.sources(of: source.column)
            }
            return OutputColumn(name: output.name, sources: sources.uniqued)
        }
    }
}

/// What a data-modifying statement writes to each column of its target, as lineage.
struct WrittenValues {
    private var byColumn: [String: [ColumnReference]] = [:]
    private var everyColumn: [ColumnReference] = []

    mutating func add(_ column: String, _ sources: [ColumnReference]) { byColumn[column, default: []] += sources }
    mutating func addToEveryColumn(_ sources: [ColumnReference]) { everyColumn += sources }

    mutating func merge(_ other: WrittenValues) {
        for (column, sources) in other.byColumn { add(column, sources) }
        everyColumn += other.everyColumn
    }

    /// As `FilledColumn`s of `relation` (a `*` column for what may land in any column).
    func filled(_ relation: RelationName) -> [FilledColumn] {
        byColumn.keys.sorted().compactMap { column in
            let sources = byColumn[column]!
            return sources.isEmpty ? nil : FilledColumn(column: ColumnReference(relation: relation, column: column), sources: sources)
        } + (everyColumn.isEmpty ? [] : [FilledColumn(column: ColumnReference(relation: relation, column: "*"), sources: everyColumn)])
    }

    /// What `column` (or, for `*`, any column) may have received.
    func sources(of column: String) -> [ColumnReference] {
        column == "*" ? byColumn.keys.sorted().flatMap { byColumn[$0]! } + everyColumn : (byColumn[column] ?? []) + everyColumn
    }
}
