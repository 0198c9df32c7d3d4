import GatehouseCore

extension StatementWalker {
    /// COPY table FROM writes the table; COPY table TO and COPY (query) TO read.
    func copy(_ fields: ParseNode) -> [OutputColumn] {
        let isFrom = fields["is_from"]?.isTrue ?? false
        if fields["is_program"]?.isTrue ?? false {
            limitations.append("COPY runs a program on the database server")
        } else if let file = fields["filename"]?.stringValue {
            limitations.append("COPY \(isFrom ? "reads" : "writes") the server file \(file)")
        }
        copyOptions = Self.copyOptions(fields["options"]?.items ?? [])
        copyOptions?.fromClient = isFrom && fields["filename"] == nil && !(fields["is_program"]?.isTrue ?? false)
        if let query = fields["query"] { return statement(query, parent: nil) }
        guard let target = fields["relation"] else { return [] }
        let relation = Self.relationName(target)
        let named = (fields["attlist"]?.nameList ?? []).map { ColumnReference(relation: relation, column: $0) }
        let copied = named.isEmpty ? [ColumnReference(relation: relation, column: "*")] : named
        columns.append(contentsOf: copied)
        if isFrom {
            writes.append(relation)
            let scope = QueryScope(parent: nil)
            scope.entries = [.table(relation, alias: nil)]
            walk(fields["whereClause"], in: scope)
            return []
        }
        reads.append(relation)
        return copied.map { OutputColumn(name: $0.column, sources: [$0]) }
    }

    /// COPY's `WITH (FORMAT csv, HEADER, DELIMITER ';')` (and the older `CSV HEADER` spelling,
    /// which the parser turns into the same options).
    static func copyOptions(_ options: [ParseNode]) -> CopyOptions {
        var copy = CopyOptions()
        for option in options {
            guard let element = option["DefElem"], let name = element["defname"]?.stringValue else { continue }
            let argument = element["arg"]
            let text = argument?.stringNodeValue
            switch name {
            case "format": copy.format = CopyOptions.Format(rawValue: text?.lowercased() ?? "") ?? copy.format
            case "delimiter": copy.delimiter = text
            case "null": copy.null = text
            case "quote": copy.quote = text
            case "escape": copy.escape = text
            case "header": copy.header = isTrueOption(argument)
            default: break
            }
        }
        return copy
    }

    /// A boolean option: absent argument means true; `false`, `off`, `0` mean false.
    private static func isTrueOption(_ argument: ParseNode?) -> Bool {
        guard let argument else { return true }
        if let boolean = argument["Boolean"] { return boolean["boolval"]?.isTrue ?? false }
        if let integer = argument["Integer"] { return (integer["ival"]?.intValue ?? 0) != 0 }
        let text = argument.stringNodeValue?.lowercased() ?? "true"
        return !["false", "off", "0", "no"].contains(text)
    }

    /// DROP TABLE / VIEW / SEQUENCE ...: the dropped relations are written.
    func dropTargets(_ fields: ParseNode) {
        let relationTypes: Set<String> = [
            "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE", "OBJECT_SEQUENCE",
        ]
        guard let type = fields["removeType"]?.stringValue, relationTypes.contains(type) else { return }
        for object in fields["objects"]?.items ?? [] {
            let names = object.nameList
            guard let name = names.last else { continue }
            let relation = RelationName(schema: names.count >= 2 ? names[names.count - 2] : nil, name: name)
            writes.append(relation)
            createsOrDrops.append(relation)
        }
    }

    /// Any other statement (DDL, maintenance): the relations it names are its targets and
    /// are written, except those it only refers to (a foreign key's table, INHERITS, LIKE),
    /// which are read; nested queries are described; expressions are walked with the
    /// statement's own table in scope.
    func genericStatement(type: String, fields: ParseNode, parent: QueryScope?) {
        var scope = QueryScope(parent: parent)
        if let target = fields["relation"] ?? fields["table"], target["relname"] != nil {
            let relation = Self.relationName(target)
            if type == "RuleStmt" || type == "CreateTrigStmt" {
                // Rules and triggers call the old and new row versions OLD and NEW; they sit
                // one level out so that unqualified names still resolve to the table.
                scope.entries = ["new", "old"].map { RangeEntry(name: $0, schema: nil, source: .table(relation)) }
                scope = QueryScope(parent: scope)
            }
            scope.entries = [.table(relation, alias: nil)]
        }
        walkDefinition(fields, in: scope, referenceOnly: false)
    }

    private static let referenceFields: Set<String> = ["pktable", "inhRelations"]

    private func walkDefinition(_ node: ParseNode, in scope: QueryScope, referenceOnly: Bool) {
        guard enter() else { return }
        defer { leave() }
        if let (type, fields) = node.tagged {
            switch type {
            case "RangeVar":
                recordTarget(fields, referenceOnly: referenceOnly)
            case _ where Self.queryNodeTypes.contains(type):
                _ = statement(type: type, fields: fields, parent: scope)
            case "ColumnRef", "FuncCall", "SubLink", "A_Indirection":
                walk(node, in: scope)
            case "TableLikeClause":
                walkDefinition(fields, in: scope, referenceOnly: true)
            default:
                walkDefinition(fields, in: scope, referenceOnly: referenceOnly)
            }
            return
        }
        switch node {
        case .object(let fields):
            if fields["relname"] != nil {
                recordTarget(node, referenceOnly: referenceOnly)
                return
            }
            for key in fields.keys.sorted() {
                walkDefinition(
                    fields[key]!, in: scope, referenceOnly: referenceOnly || Self.referenceFields.contains(key))
            }
        case .array(let elements):
            for element in elements { walkDefinition(element, in: scope, referenceOnly: referenceOnly) }
        default:
            break
        }
    }

    private func recordTarget(_ rangeVar: ParseNode, referenceOnly: Bool) {
        let relation = Self.relationName(rangeVar)
        if referenceOnly { reads.append(relation) } else { writes.append(relation) }
    }
}
