import GatehouseCore

/// Walks one statement's parse tree and collects what it reads, writes and references.
///
/// The walk is split by concern over several files: statements (here), queries, FROM
/// lists, expressions, data-modifying statements and utility statements.
final class StatementWalker {
    var reads = UniqueList<RelationName>()
    var writes = UniqueList<RelationName>()
    var columns = UniqueList<ColumnReference>()
    var limitations = UniqueList<String>()
    /// Functions and operators called, as written: whether a name calls a built-in depends on
    /// what else the database defines under it (see `StatementAnalysis.functions`).
    var functions = UniqueList<String>()
    var operators = UniqueList<String>()
    /// Types cast to by name, as written (see `StatementAnalysis.types`).
    var types = UniqueList<String>()
    /// Set when the statement must never reach the server (`StatementAnalysis.forbidden`).
    var forbidden: String?
    /// While a `SELECT ... FROM pg_settings WHERE name = 'x'` list is walked: `x`, the only
    /// setting its `name` column can hold.
    var settingNamedByRow: String?
    var cursor: CursorReference?
    var prepared: PreparedStatementReference?
    var createsOrDrops = UniqueList<RelationName>()
    var fills: [FilledColumn] = []
    /// Set by a `COPY ... TO STDOUT` / `FROM STDIN`: how its data stream is laid out.
    var copyOptions: CopyOptions?

    /// Recursion guard. Foundation already refuses JSON nested deeper than 512 levels; this
    /// keeps the walk's own recursion bounded whatever reaches it.
    private var depth = 0
    static let maximumDepth = 400

    static func analyze(_ node: ParseNode, text: String) -> StatementAnalysis {
        guard let (type, fields) = node.tagged else {
            return .unanalysable(text, because: "the parser returned an unrecognised tree")
        }
        let walker = StatementWalker()
        if let limitation = ExecutableObjects.limitation(ofNodeType: type, fields: fields) {
            walker.limitations.append(limitation)
        }
        let outputs = walker.statement(type: type, fields: fields, parent: nil)
        if type == "DiscardStmt", fields["target"]?.stringValue == "DISCARD_ALL" {
            walker.prepared = PreparedStatementReference(action: .deallocate, name: nil)
        }
        for relation in walker.reads.elements where DataExposingRelations.contains(relation) {
            walker.limitations.append("reads \(relation.name), which holds values of other tables' columns")
        }
        return StatementAnalysis(
            text: text, kind: StatementKindClassifier.kind(ofNodeType: type),
            reads: walker.reads.elements, writes: walker.writes.elements,
            columns: walker.columns.elements, outputs: outputs,
            analysable: walker.limitations.isEmpty,
            limitation: walker.limitations.isEmpty ? nil : walker.limitations.elements.joined(separator: "; "),
            copy: walker.copyOptions, functions: walker.functions.elements, operators: walker.operators.elements, types: walker.types.elements,
            forbidden: walker.forbidden, cursor: walker.cursor,
            createsOrDrops: walker.createsOrDrops.elements, fills: walker.fills, prepared: walker.prepared)
    }

    /// Describes a statement node (top-level or nested, such as a CTE's query or EXPLAIN's
    /// statement) and returns the columns it produces.
    func statement(type: String, fields: ParseNode, parent: QueryScope?, hidesParentEntries: Bool = false)
        -> [OutputColumn]
    {
        guard enter() else { return [] }
        defer { leave() }
        switch type {
        case "SelectStmt":
            let outputs = select(fields, parent: parent, hidesParentEntries: hidesParentEntries)
            // SELECT INTO stores its rows instead of returning them.
            return fields["intoClause"] == nil ? outputs : []
        case "InsertStmt": return insert(fields, parent: parent)
        case "UpdateStmt": return update(fields, parent: parent)
        case "DeleteStmt": return delete(fields, parent: parent)
        case "MergeStmt": return merge(fields, parent: parent)
        case "CopyStmt": return copy(fields)
        case "ExplainStmt":
            _ = statement(fields["query"], parent: parent)
            return [OutputColumn(name: "QUERY PLAN", sources: [])]
        case "PrepareStmt":
            prepared = PreparedStatementReference(action: .prepare, name: fields["name"]?.stringValue,
                                                  preparedKind: fields["query"]?.tagged.map { StatementKindClassifier.kind(ofNodeType: $0.0) })
            // What EXECUTE will run (see `prepared`).
            return statement(fields["query"], parent: parent)
        case "DeallocateStmt":
            prepared = PreparedStatementReference(action: .deallocate, name: fields["name"]?.stringValue)
            return []
        case "DeclareCursorStmt":
            cursor = CursorReference(action: .declare, name: fields["portalname"]?.stringValue)
            // What the cursor will return: a FETCH from it returns these (see `cursor`).
            return statement(fields["query"], parent: parent)
        case "FetchStmt":
            cursor = CursorReference(action: .fetch, name: fields["portalname"]?.stringValue)
            return []
        case "ClosePortalStmt":
            cursor = CursorReference(action: .close, name: fields["portalname"]?.stringValue)
            return []
        case "CreateTableAsStmt", "ViewStmt":
            // CREATE TABLE AS, CREATE MATERIALIZED VIEW, CREATE VIEW: the new relation is
            // written, the query's relations are read.
            if let created = fields["into"]?["rel"] ?? fields["view"] {
                writes.append(Self.relationName(created))
                createsOrDrops.append(Self.relationName(created))
            }
            let outputs = statement(fields["query"], parent: parent)
            // A table or materialized view stores its query's rows; a view stores nothing.
            if type == "CreateTableAsStmt", let into = fields["into"], let rel = into["rel"] {
                fill(Self.relationName(rel), outputs: outputs, named: into["colNames"]?.nameList ?? [])
            }
            return []
        case "ExecuteStmt":
            // The session replaces this with what the PREPARE analysed (`PreparedSQLStatements`).
            prepared = PreparedStatementReference(action: .execute, name: fields["name"]?.stringValue ?? "")
            for parameter in fields["params"]?.items ?? [] {
                _ = lineage(of: parameter, in: QueryScope(parent: parent))
            }
            return []
        case "VariableSetStmt":
            if let name = fields["name"]?.stringValue { checkSetting(named: name) }
            return []
        case "DoStmt":
            limitations.append("DO block body is not visible")
            return []
        case "CallStmt":
            if let call = fields["funccall"] { _ = functionCall(call, in: QueryScope(parent: parent)) }
            return []
        case "DropStmt":
            dropTargets(fields)
            return []
        case "LockStmt":
            // Locking reads and writes nothing (pg_dump locks every table it dumps).
            return []
        case "CreateStmt", "CreateSeqStmt":
            if let created = fields["relation"] ?? fields["sequence"] { createsOrDrops.append(Self.relationName(created)) }
            genericStatement(type: type, fields: fields, parent: parent)
            return []
        default:
            genericStatement(type: type, fields: fields, parent: parent)
            return []
        }
    }

    /// Settings that change how the server reads statement text. The gateway reads every
    /// statement as PostgreSQL does with `standard_conforming_strings = on`; were it off, a
    /// backslash in a string literal would end the literal somewhere else for the server than
    /// for the analysis, and the server would run a statement nobody decided on.
    static let lexicalSettings: Set<String> = ["standard_conforming_strings"]

    /// Settings that choose whose privileges statements run with. Gatehouse decides that: an
    /// approved statement runs as the connection's approved role, everything else as the role it
    /// logs in as (the database backstop, docs/security.md), so a client may not switch itself.
    static let identitySettings: Set<String> = ["role", "session_authorization"]

    /// Refuses a change of a lexical or identity setting (by `SET`, `RESET` or `set_config`).
    func checkSetting(named name: String) {
        let name = name.lowercased()
        if Self.lexicalSettings.contains(name) {
            forbidden = "changing \(name) is not allowed through Gatehouse: it changes how the server reads statements"
        } else if Self.identitySettings.contains(name) {
            forbidden = "changing \(name) is not allowed through Gatehouse: the gateway chooses the role statements run as"
        }
    }

    /// Records that `relation` receives `outputs`, column by column (renamed by `named` where
    /// given); an output that cannot be lined up with a name may land in any column.
    func fill(_ relation: RelationName, outputs: [OutputColumn], named: [String]) {
        for (index, output) in outputs.enumerated() where !output.sources.isEmpty {
            let name = index < named.count ? named[index] : output.name
            fills.append(FilledColumn(column: ColumnReference(relation: relation, column: name == "*" ? "*" : name),
                                      sources: output.sources))
        }
    }

    /// Describes a tagged statement node; anything else contributes nothing.
    func statement(_ node: ParseNode?, parent: QueryScope?, hidesParentEntries: Bool = false) -> [OutputColumn] {
        guard let (type, fields) = node?.tagged else { return [] }
        return statement(type: type, fields: fields, parent: parent, hidesParentEntries: hidesParentEntries)
    }

    /// Counts one level of recursion; false (and the statement marked unanalysable) when
    /// the tree is too deep to walk.
    func enter() -> Bool {
        depth += 1
        if depth > Self.maximumDepth {
            limitations.append("statement nests too deeply to analyse")
            depth -= 1
            return false
        }
        return true
    }

    func leave() { depth -= 1 }

    /// The relation a `RangeVar` names, as written (schema nil when unqualified).
    static func relationName(_ rangeVar: ParseNode) -> RelationName {
        RelationName(schema: rangeVar["schemaname"]?.stringValue, name: rangeVar["relname"]?.stringValue ?? "")
    }

    static func alias(of node: ParseNode) -> String? { node["alias"]?["aliasname"]?.stringValue }

    static func aliasColumnNames(of node: ParseNode) -> [String] { node["alias"]?["colnames"]?.nameList ?? [] }
}
