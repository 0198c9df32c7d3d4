/// The name PostgreSQL gives a result column that has no alias (its `FigureColname`):
/// a column's name, a function's name, a few keywords, else `?column?`.
enum OutputNaming {
    static let unnamed = "?column?"

    static func name(of expression: ParseNode) -> String {
        figure(expression)?.name ?? unnamed
    }

    /// The name and how strongly it was chosen: 2 for a real name, 1 for a fallback (a cast's
    /// type name, `case`) that a stronger name found elsewhere replaces.
    private static func figure(_ expression: ParseNode) -> (name: String, strength: Int)? {
        guard let (type, node) = expression.tagged else { return nil }
        switch type {
        case "ColumnRef":
            guard let last = node["fields"]?.items.last?.stringNodeValue else { return nil }
            return (last, 2)
        case "A_Indirection":
            if let field = node["indirection"]?.items.compactMap(\.stringNodeValue).last { return (field, 2) }
            return node["arg"].flatMap(figure)
        case "FuncCall":
            guard let last = node["funcname"]?.nameList.last else { return nil }
            return (last, 2)
        case "A_Expr":
            return node["kind"]?.stringValue == "AEXPR_NULLIF" ? ("nullif", 2) : nil
        case "TypeCast":
            let inner = node["arg"].flatMap(figure)
            if let inner, inner.strength > 1 { return inner }
            if let typeName = node["typeName"]?["names"]?.nameList.last { return (typeName, 1) }
            return inner
        case "CollateClause":
            return node["arg"].flatMap(figure)
        case "GroupingFunc":
            return ("grouping", 2)
        case "SubLink":
            return subLinkName(node)
        case "CaseExpr":
            let inner = node["defresult"].flatMap(figure)
            if let inner, inner.strength > 1 { return inner }
            return ("case", 1)
        case "A_ArrayExpr":
            return ("array", 2)
        case "RowExpr":
            return ("row", 2)
        case "CoalesceExpr":
            return ("coalesce", 2)
        case "MinMaxExpr":
            return node["op"]?.stringValue == "IS_LEAST" ? ("least", 2) : ("greatest", 2)
        case "SQLValueFunction":
            return sqlValueFunctionName(node["op"]?.stringValue).map { ($0, 2) }
        case "XmlExpr":
            return xmlFunctionName(node["op"]?.stringValue).map { ($0, 2) }
        case "XmlSerialize":
            return ("xmlserialize", 2)
        default:
            return nil
        }
    }

    private static func subLinkName(_ node: ParseNode) -> (String, Int)? {
        switch node["subLinkType"]?.stringValue {
        case "EXISTS_SUBLINK": return ("exists", 2)
        case "ARRAY_SUBLINK": return ("array", 2)
        case "EXPR_SUBLINK":
            // The name of the subquery's single result column.
            var select = node["subselect"]?["SelectStmt"]
            while let left = select?["larg"] { select = left }
            guard let first = select?["targetList"]?.items.first?["ResTarget"] else { return nil }
            if let alias = first["name"]?.stringValue { return (alias, 2) }
            return (first["val"].map(name(of:)) ?? unnamed, 2)
        default: return nil
        }
    }

    private static func sqlValueFunctionName(_ op: String?) -> String? {
        guard let op, op.hasPrefix("SVFOP_") else { return nil }
        var name = op.dropFirst("SVFOP_".count).lowercased()
        // CURRENT_TIME_N and friends carry a precision; the name is the same.
        if name.hasSuffix("_n") { name.removeLast(2) }
        return name
    }

    private static func xmlFunctionName(_ op: String?) -> String? {
        switch op {
        case "IS_XMLCONCAT": return "xmlconcat"
        case "IS_XMLELEMENT": return "xmlelement"
        case "IS_XMLFOREST": return "xmlforest"
        case "IS_XMLPARSE": return "xmlparse"
        case "IS_XMLPI": return "xmlpi"
        case "IS_XMLROOT": return "xmlroot"
        case "IS_XMLSERIALIZE": return "xmlserialize"
        default: return nil
        }
    }
}
