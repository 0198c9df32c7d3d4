import GatehouseCore

extension StatementWalker {
    /// Describes a SELECT (plain, set operation or VALUES) and returns its result columns.
    /// `fields` is the SelectStmt's field object (set operation branches come untagged).
    func select(_ fields: ParseNode, parent: QueryScope?, hidesParentEntries: Bool = false) -> [OutputColumn] {
        guard enter() else { return [] }
        defer { leave() }
        let scope = QueryScope(parent: parent, hidesParentEntries: hidesParentEntries)
        addCommonTables(fields["withClause"], to: scope)

        let outputs: [OutputColumn]
        if let operation = fields["op"]?.stringValue, operation != "SETOP_NONE" {
            let left = select(fields["larg"] ?? .null, parent: scope)
            let right = select(fields["rarg"] ?? .null, parent: scope)
            outputs = Self.combineSetOperation(left, right)
        } else if let rows = fields["valuesLists"] {
            outputs = values(rows, in: scope)
        } else {
            for item in fields["fromClause"]?.items ?? [] { addFromItem(item, to: scope) }
            settingNamedByRow = Self.singleSettingName(fields)
            outputs = targetList(fields["targetList"], in: scope)
            settingNamedByRow = nil
            let outputNames = Set(outputs.map(\.name))
            for clause in ["whereClause", "havingClause", "windowClause", "distinctClause"] {
                walk(fields[clause], in: scope)
            }
            walkOrdering(fields["groupClause"], in: scope, outputNames: outputNames)
        }
        walkOrdering(fields["sortClause"], in: scope, outputNames: Set(outputs.map(\.name)))
        walk(fields["limitOffset"], in: scope)
        walk(fields["limitCount"], in: scope)
        if let into = fields["intoClause"]?["rel"] {
            writes.append(Self.relationName(into))
            createsOrDrops.append(Self.relationName(into))
            fill(Self.relationName(into), outputs: outputs, named: fields["intoClause"]?["colNames"]?.nameList ?? [])
        }
        return outputs
    }

    /// `x` when the query reads only `pg_settings` (plain or `pg_catalog.`) and its WHERE is
    /// `name = 'x'`.
    static func singleSettingName(_ fields: ParseNode) -> String? {
        guard let from = fields["fromClause"]?.items, from.count == 1, let table = from[0]["RangeVar"],
              table["relname"]?.stringValue == "pg_settings", [nil, "pg_catalog"].contains(table["schemaname"]?.stringValue),
              let condition = fields["whereClause"]?["A_Expr"], condition["kind"]?.stringValue == "AEXPR_OP",
              condition["name"]?.nameList == ["="], condition["lexpr"]?["ColumnRef"]?["fields"]?.nameList.last == "name"
        else { return nil }
        return condition["rexpr"]?["A_Const"]?["sval"]?["sval"]?.stringValue
    }

    /// The result columns of a target list (SELECT list or RETURNING list), with `*` and
    /// `alias.*` expanded per FROM entry.
    func targetList(_ list: ParseNode?, in scope: QueryScope) -> [OutputColumn] {
        var outputs: [OutputColumn] = []
        for item in list?.items ?? [] {
            guard let target = item["ResTarget"] else { continue }
            let value = target["val"] ?? .null
            if let reference = value["ColumnRef"], Self.isStar(reference) {
                outputs += columnReference(reference, in: scope)
                continue
            }
            let name = target["name"]?.stringValue ?? OutputNaming.name(of: value)
            outputs.append(OutputColumn(name: name, sources: lineage(of: value, in: scope).uniqued))
        }
        return outputs
    }

    /// Registers a WITH clause's CTEs. A CTE is not a relation: references to it resolve to
    /// what its query reads.
    func addCommonTables(_ withClause: ParseNode?, to scope: QueryScope) {
        guard let withClause else { return }
        let recursive = withClause["recursive"]?.isTrue ?? false
        for item in withClause["ctes"]?.items ?? [] {
            guard let cte = item["CommonTableExpr"], let name = cte["ctename"]?.stringValue else { continue }
            let columnNames = cte["aliascolnames"]?.nameList ?? []
            if recursive {
                // Visible in its own query; the self-reference adds no sources of its own.
                scope.commonTables[name] = DerivedTable(
                    columns: columnNames.map { OutputColumn(name: $0, sources: []) },
                    anyColumnSources: columnNames.isEmpty ? [] : nil)
            }
            let outputs = statement(cte["ctequery"], parent: scope)
            scope.commonTables[name] = DerivedTable(columns: outputs).renamed(columnNames)
        }
    }

    /// VALUES rows: columns `column1`, `column2`, ... fed by each row's expression there.
    private func values(_ rows: ParseNode, in scope: QueryScope) -> [OutputColumn] {
        var outputs: [OutputColumn] = []
        for row in rows.items {
            for (position, expression) in row.items.enumerated() {
                let sources = lineage(of: expression, in: scope)
                if position < outputs.count {
                    outputs[position].sources = (outputs[position].sources + sources).uniqued
                } else {
                    outputs.append(OutputColumn(name: "column\(position + 1)", sources: sources.uniqued))
                }
            }
        }
        return outputs
    }

    /// UNION, INTERSECT and EXCEPT: names from the left branch, sources from both.
    private static func combineSetOperation(_ left: [OutputColumn], _ right: [OutputColumn]) -> [OutputColumn] {
        if left.count == right.count {
            return zip(left, right).map { OutputColumn(name: $0.name, sources: ($0.sources + $1.sources).uniqued) }
        }
        // An unexpanded `*` on one side hides the column positions: every right column may
        // feed every left one.
        let rightSources = right.flatMap(\.sources)
        return left.map { OutputColumn(name: $0.name, sources: ($0.sources + rightSources).uniqued) }
    }

    /// ORDER BY and GROUP BY items. A bare name that is a result column's name refers to
    /// that result column, already described, rather than to a FROM entry's column.
    private func walkOrdering(_ list: ParseNode?, in scope: QueryScope, outputNames: Set<String>) {
        for item in list?.items ?? [] {
            let expression = item["SortBy"]?["node"] ?? item
            if let reference = expression["ColumnRef"], let names = reference["fields"]?.items,
                names.count == 1, let name = names[0].stringNodeValue, outputNames.contains(name)
            {
                continue
            }
            walk(expression, in: scope)
        }
    }

    static func isStar(_ columnRef: ParseNode) -> Bool {
        columnRef["fields"]?.items.last?["A_Star"] != nil
    }
}
