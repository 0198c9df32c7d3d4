import GatehouseCore

/// Walks statement analyses against a classification: which base relations they touch, which
/// classified tables and columns among them, and a reason per classified table.
struct ApprovalTouches {
    /// What the statements do to one classified table.
    private struct TableTouch {
        var read = false
        var written = false
        /// Views through which the table was reached.
        var views: [RelationName] = []
        var columns: [ColumnReference] = []
        var categories: Set<String> = []
    }

    let classification: DataClassification
    let baseRelations: @Sendable (RelationName) -> [RelationName]

    private var relations: [RelationName] = []
    private var tables: [RelationName: TableTouch] = [:]
    /// Classified tables in order of first touch, so reasons read in statement order.
    private var tableOrder: [RelationName] = []

    init(classification: DataClassification, baseRelations: @escaping @Sendable (RelationName) -> [RelationName]) {
        self.classification = classification
        self.baseRelations = baseRelations
    }

    mutating func add(_ statement: StatementAnalysis) {
        for relation in statement.reads { touch(relation, writing: false) }
        for relation in statement.writes { touch(relation, writing: true) }
        let columns = statement.columns + statement.outputs.flatMap(\.sources)
        let statementTables = (statement.reads + statement.writes).flatMap(bases(of:))
        for column in columns { touch(column, statementTables: statementTables) }
    }

    /// One reason per classified table, in the order they were first touched.
    var reasons: [String] {
        tableOrder.map { relation in
            let touch = tables[relation]!
            let verb = touch.read && touch.written ? "reads and writes" : touch.written ? "writes" : "reads"
            let via = touch.views.isEmpty ? "" : " via view \(touch.views.map(\.description).joined(separator: ", "))"
            let named = categories(of: relation, touch)
            let list = named.isEmpty ? "" : " (\(named.joined(separator: ", ")))"
            return "\(verb) classified table \(relation)\(via)\(list)"
        }
    }

    func scope(kinds: [StatementKind], analysable: Bool) -> ApprovalScope {
        let columns = tables.values.flatMap(\.columns).uniqued.sorted { $0.description < $1.description }
        let touched = tableOrder.flatMap { categories(of: $0, tables[$0]!) }
        return ApprovalScope(
            relations: relations.sorted(), classifiedRelations: tableOrder.sorted(), columns: columns,
            categories: Array(Set(touched)).sorted(), kinds: kinds.uniqued, analysable: analysable)
    }

    // MARK: - Walking

    /// A relation's base relations (itself when it is no view). An empty answer from the resolver
    /// is taken as "not a view" rather than "touches nothing" (fail safe). A name left
    /// unqualified stays so: the classification reads it through any search path.
    private func bases(of relation: RelationName) -> [RelationName] {
        let resolved = baseRelations(relation.qualified)
        return resolved.isEmpty || resolved.map(\.qualified) == [relation.qualified] ? [relation] : resolved
    }

    private mutating func touch(_ relation: RelationName, writing: Bool) {
        let bases = bases(of: relation)
        let isView = bases != [relation]
        for base in bases {
            if !relations.contains(base.qualified) { relations.append(base.qualified) }
            markTable(base, writing: writing, view: isView ? relation.qualified : nil)
        }
        // A classified view is personal data in its own right, whatever it reads.
        if isView { markTable(relation, writing: writing, view: nil) }
    }

    private mutating func markTable(_ written: RelationName, writing: Bool, view: RelationName?) {
        guard let relation = classification.table(written)?.relation else { return }
        if tables[relation] == nil { tables[relation] = TableTouch(); tableOrder.append(relation) }
        if writing { tables[relation]!.written = true } else { tables[relation]!.read = true }
        if let view, !tables[relation]!.views.contains(view) { tables[relation]!.views.append(view) }
    }

    /// Records the classified columns a column reference reaches: through its relation (or
    /// that relation's base tables), or, when unqualified, in any table the statement touches.
    private mutating func touch(_ column: ColumnReference, statementTables: [RelationName]) {
        let candidates = column.relation.map { [$0] + bases(of: $0) } ?? statementTables
        for written in candidates.uniqued {
            guard let table = classification.table(written) else { continue }
            let relation = table.relation
            let matched: [String: String] = column.column == "*"
                ? table.columns
                : table.columns[column.column].map { [column.column: $0] } ?? [:]
            let wholeTable = column.column == "*" || column.relation != nil ? table.category : nil
            guard !matched.isEmpty || wholeTable != nil else { continue }
            if tables[relation] == nil { tables[relation] = TableTouch(read: true); tableOrder.append(relation) }
            for (name, category) in matched {
                tables[relation]!.columns.append(ColumnReference(relation: relation, column: name))
                tables[relation]!.categories.insert(category)
            }
            if let wholeTable { tables[relation]!.categories.insert(wholeTable) }
        }
    }

    /// The categories named for a table: those of the columns referenced, else every category
    /// the table holds (the statement touches the table, so any of them may be involved).
    private func categories(of relation: RelationName, _ touch: TableTouch) -> [String] {
        if !touch.categories.isEmpty { return touch.categories.sorted() }
        guard let table = classification.table(relation) else { return [] }
        let all = [table.category].compactMap { $0 } + table.columns.values + table.jsonFields.values.flatMap(\.values)
        return Array(Set(all)).sorted()
    }
}

fileprivate extension Array where Element: Hashable {
    /// The elements in order, without repeats.
    var uniqued: [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
