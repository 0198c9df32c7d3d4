import GatehouseCore

extension StatementWalker {
    /// Statement node types that can appear nested inside others (a CTE, a subquery).
    static let queryNodeTypes: Set<String> = ["SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]

    /// The base columns an expression's value derives from. Every column reference met on
    /// the way is recorded, and every function call checked, whether or not it feeds the value.
    func lineage(of expression: ParseNode, in scope: QueryScope) -> [ColumnReference] {
        guard enter() else { return [] }
        defer { leave() }
        guard let (type, fields) = expression.tagged else {
            // Untagged objects and lists: whatever their parts derive from.
            return expression.children.flatMap { lineage(of: $0, in: scope) }
        }
        switch type {
        case "ColumnRef":
            return columnReference(fields, in: scope).flatMap(\.sources)
        case "FuncCall":
            return functionCall(fields, in: scope)
        case "SubLink":
            // `x IN (SELECT ...)`, `x < ANY (SELECT ...)` compare with an operator by name.
            if let name = fields["operName"]?.nameList, !name.isEmpty {
                operators.append(name.joined(separator: "."))
            } else if fields["subLinkType"]?.stringValue == "ANY_SUBLINK" {
                operators.append("=")
            }
            // A subquery's value derives from its result columns (not from its WHERE).
            let tested = fields["testexpr"].map { lineage(of: $0, in: scope) } ?? []
            let outputs = statement(fields["subselect"], parent: scope)
            return tested + outputs.flatMap(\.sources)
        case _ where Self.queryNodeTypes.contains(type):
            return statement(type: type, fields: fields, parent: scope).flatMap(\.sources)
        case "TypeCast":
            if let name = fields["typeName"]?["names"]?.nameList, !name.isEmpty {
                types.append(name.joined(separator: "."))
            }
            return fields["arg"].map { lineage(of: $0, in: scope) } ?? []
        case "A_Indirection":
            return indirection(fields, in: scope)
        case "WindowDef":
            // Partitioning and ordering shape the result, they do not feed values into it.
            walk(fields, in: scope)
            return []
        case "RangeVar":
            // Only met where a relation is named outside FROM (e.g. a row-locking clause).
            return []
        case "A_Expr":
            // `a + b`, `a OPERATOR(s.===) b`, `a IN (...)`, `a LIKE b`: operators by name.
            for name in Self.operatorNames(fields) { operators.append(name) }
            return fields.children.flatMap { lineage(of: $0, in: scope) }
        default:
            return fields.children.flatMap { lineage(of: $0, in: scope) }
        }
    }

    /// The operators an `A_Expr` is resolved to by name: BETWEEN is spelled with comparisons.
    static func operatorNames(_ fields: ParseNode) -> [String] {
        guard let name = fields["name"]?.nameList, !name.isEmpty else { return [] }
        switch fields["kind"]?.stringValue {
        case "AEXPR_BETWEEN", "AEXPR_BETWEEN_SYM": return [">=", "<="]
        case "AEXPR_NOT_BETWEEN", "AEXPR_NOT_BETWEEN_SYM": return ["<", ">"]
        default: return [name.joined(separator: ".")]
        }
    }

    /// Records everything an expression references, for clauses that feed no result column.
    func walk(_ node: ParseNode?, in scope: QueryScope) {
        guard let node else { return }
        _ = lineage(of: node, in: scope)
    }

    /// What a column reference denotes: for `*` and `alias.*` the result columns they expand
    /// to; otherwise one column named like the reference. Its sources are recorded.
    func columnReference(_ fields: ParseNode, in scope: QueryScope) -> [OutputColumn] {
        let names = fields["fields"]?.nameList ?? []
        let outputs: [OutputColumn]
        if Self.isStar(fields) {
            if names.isEmpty {
                outputs = scope.entries.flatMap(\.starExpansion)
            } else if let entry = scope.entry(named: names[names.count - 1], schema: names.dropLast().last) {
                outputs = entry.starExpansion
            } else {
                let relation = RelationName(schema: names.dropLast().last, name: names[names.count - 1])
                outputs = [OutputColumn(name: "*", sources: [ColumnReference(relation: relation, column: "*")])]
            }
        } else {
            outputs = [OutputColumn(name: names.last ?? OutputNaming.unnamed, sources: resolve(names, in: scope))]
        }
        for output in outputs { columns.append(contentsOf: output.sources) }
        return outputs
    }

    /// `column`, `table.column`, `schema.table.column` (with a catalog in front, even), or a
    /// composite column's field: `column.field`, `table.column.field`.
    private func resolve(_ names: [String], in scope: QueryScope) -> [ColumnReference] {
        guard let column = names.last else { return [] }
        if names.count == 1 { return scope.resolveUnqualified(column) }
        let table = names[names.count - 2]
        let schema = names.count >= 3 ? names[names.count - 3] : nil
        if let entry = scope.entry(named: table, schema: schema) { return entry.sources(of: column) }
        if names.count >= 3,
            let entry = scope.entry(
                named: names[names.count - 3], schema: names.count >= 4 ? names[names.count - 4] : nil)
        {
            return entry.sources(of: table)
        }
        let hasEntries = scope.visibleLevels.contains { !$0.isEmpty }
        if names.count == 2, hasEntries { return scope.resolveUnqualified(table) }
        // A qualifier naming nothing in scope: take it at its word.
        return [ColumnReference(relation: RelationName(schema: schema, name: table), column: column)]
    }

    /// `(c).email`, `(t.address).city`, `x[1]`: a field of a row is that column, when the
    /// row is a FROM entry's (or a composite column).
    private func indirection(_ fields: ParseNode, in scope: QueryScope) -> [ColumnReference] {
        let steps = fields["indirection"]?.items ?? []
        let subscripts = steps.dropFirst().flatMap { lineage(of: $0, in: scope) }
        guard let reference = fields["arg"]?["ColumnRef"], !Self.isStar(reference),
            let field = steps.first?.stringNodeValue
        else {
            return (fields["arg"].map { lineage(of: $0, in: scope) } ?? [])
                + steps.flatMap { lineage(of: $0, in: scope) }
        }
        let sources = resolve((reference["fields"]?.nameList ?? []) + [field], in: scope)
        columns.append(contentsOf: sources)
        return sources + subscripts
    }

    /// A function call: listed by name (the catalog decides whether it is a built-in that the
    /// text describes, `RoutineCatalog.check`); its value derives from its arguments (not from
    /// its FILTER, ORDER BY or window, which are still walked).
    func functionCall(_ fields: ParseNode, in scope: QueryScope) -> [ColumnReference] {
        let name = fields["funcname"]?.nameList ?? []
        functions.append(name.joined(separator: "."))
        if name.last == "set_config", let setting = fields["args"]?.items.first {
            // The setting's name must be a literal to be checked at all, or pg_settings' `name`
            // in a query that picks one row by a literal name (pg_dump:
            // `SELECT set_config(name, ...) FROM pg_settings WHERE name = '...'`).
            if let literal = setting["A_Const"]?["sval"]?["sval"]?.stringValue {
                checkSetting(named: literal)
            } else if let row = settingNamedByRow, setting["ColumnRef"]?["fields"]?.nameList.last == "name" {
                checkSetting(named: row)
            } else {
                forbidden = "set_config with a setting named at run time is not allowed through Gatehouse"
            }
        }
        var sources = (fields["args"]?.items ?? []).flatMap { lineage(of: $0, in: scope) }
        if fields["agg_within_group"]?.isTrue ?? false {
            // Ordered-set aggregates (`mode() WITHIN GROUP (ORDER BY x)`, `percentile_disc`)
            // return one of the ordered values.
            sources += fields["agg_order"].map { lineage(of: $0, in: scope) } ?? []
        } else {
            walk(fields["agg_order"], in: scope)
        }
        walk(fields["agg_filter"], in: scope)
        walk(fields["over"], in: scope)
        return sources
    }
}
