import GatehouseCore

extension StatementWalker {
    /// INSERT: writes its target; its SELECT or VALUES reads; RETURNING is its result.
    func insert(_ fields: ParseNode, parent: QueryScope?) -> [OutputColumn] {
        let scope = QueryScope(parent: parent)
        addCommonTables(fields["withClause"], to: scope)
        guard let target = fields["relation"] else { return [] }
        let relation = Self.relationName(target)
        writes.append(relation)
        for column in fields["cols"]?.items ?? [] {
            if let name = column["ResTarget"]?["name"]?.stringValue {
                columns.append(ColumnReference(relation: relation, column: name))
            }
        }
        // The source query cannot see the target table.
        _ = statement(fields["selectStmt"], parent: scope)

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
            assignments(conflict["targetList"], to: relation, in: conflictScope)
            walk(conflict["whereClause"], in: conflictScope)
        }
        scope.entries = [targetEntry]
        return returning(fields["returningList"], from: relation, in: scope)
    }

    /// UPDATE: writes its target; FROM reads.
    func update(_ fields: ParseNode, parent: QueryScope?) -> [OutputColumn] {
        let scope = QueryScope(parent: parent)
        addCommonTables(fields["withClause"], to: scope)
        guard let relation = addTarget(fields["relation"], to: scope) else { return [] }
        for item in fields["fromClause"]?.items ?? [] { addFromItem(item, to: scope) }
        assignments(fields["targetList"], to: relation, in: scope)
        walk(fields["whereClause"], in: scope)
        return returning(fields["returningList"], from: relation, in: scope)
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
            assignments(clause["targetList"], to: relation, in: scope)
            walk(clause["values"], in: scope)
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

    /// `SET column = value` lists: the columns are the target's; the values are walked.
    private func assignments(_ list: ParseNode?, to relation: RelationName, in scope: QueryScope) {
        for item in list?.items ?? [] {
            guard let target = item["ResTarget"] else { continue }
            if let name = target["name"]?.stringValue {
                columns.append(ColumnReference(relation: relation, column: name))
            }
            walk(target["indirection"], in: scope)
            walk(target["val"], in: scope)
        }
    }

    /// RETURNING hands the target's rows back, so the target is read as well as written.
    private func returning(_ list: ParseNode?, from relation: RelationName, in scope: QueryScope) -> [OutputColumn] {
        guard let list, !list.items.isEmpty else { return [] }
        reads.append(relation)
        return targetList(list, in: scope)
    }
}
