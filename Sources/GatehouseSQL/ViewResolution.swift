import GatehouseCore

/// Replaces views in an analysis's reads, columns and outputs by what they are defined over.
///
/// - `views` maps a view to the relations its definition reads (views among them are
///   resolved in turn; cycles are cut).
/// - `viewColumns` maps a view's columns to the columns they derive from. A view column with
///   no known mapping is taken to derive from every column of the view's base relations
///   (`base.*`): the safe assumption for policy.
///
/// Views stay in `reads` next to their base relations (both are touched). Names match by
/// schema and name; an unqualified name is found through the session's search path, which can be
/// changed, so it stands for every view of that name in any schema (fail safe). `writes` is left
/// as it is.
public func resolveViews(
    _ analysis: StatementAnalysis, views: [RelationName: [RelationName]],
    viewColumns: [RelationName: [String: [ColumnReference]]] = [:]
) -> StatementAnalysis {
    ViewResolver(views: views, viewColumns: viewColumns).resolve(analysis)
}

/// View definitions keyed by effective (schema-qualified) name. Build it once per catalog: it
/// indexes the definitions.
public struct ViewResolver: Sendable {
    private let views: [RelationName: [RelationName]]
    private let viewColumns: [RelationName: [String: [ColumnReference]]]
    /// Every view's qualified name, by bare name (for unqualified names).
    private let viewsNamed: [String: [RelationName]]

    public init(views: [RelationName: [RelationName]], viewColumns: [RelationName: [String: [ColumnReference]]] = [:]) {
        self.views = Dictionary(views.map { (Self.key($0.key), $0.value) }, uniquingKeysWith: +)
        self.viewColumns = Dictionary(
            viewColumns.map { (Self.key($0.key), $0.value) }, uniquingKeysWith: { $0.merging($1) { $0 + $1 } })
        let names = Set(self.views.keys).union(self.viewColumns.keys)
        viewsNamed = Dictionary(grouping: names.sorted(), by: \.name)
    }

    /// The views a name may denote: itself when qualified; any schema's when not.
    private func keys(_ relation: RelationName) -> [RelationName] {
        relation.schema == nil ? viewsNamed[relation.name] ?? [] : [Self.key(relation)]
    }

    public var isEmpty: Bool { views.isEmpty && viewColumns.isEmpty }

    /// `resolveViews` with this resolver's definitions.
    public func resolve(_ analysis: StatementAnalysis) -> StatementAnalysis {
        guard !isEmpty else { return analysis }
        var resolved = analysis
        resolved.reads = analysis.reads.flatMap { [$0] + underlyingRelations(of: $0) }.uniqued
        resolved.columns = analysis.columns.flatMap { baseColumns(of: $0) }.uniqued
        resolved.outputs = analysis.outputs.map {
            OutputColumn(name: $0.name, sources: $0.sources.flatMap { baseColumns(of: $0) }.uniqued)
        }
        return resolved
    }

    private static func key(_ relation: RelationName) -> RelationName {
        RelationName(schema: relation.effectiveSchema, name: relation.name)
    }

    private func isView(_ relation: RelationName) -> Bool {
        keys(relation).contains { views[$0] != nil || viewColumns[$0] != nil }
    }

    /// The relations a view's definition reads directly.
    private func directBases(of view: RelationName) -> [RelationName] {
        keys(view).flatMap { key in
            (views[key] ?? []) + (viewColumns[key] ?? [:]).sorted { $0.key < $1.key }.flatMap(\.value).compactMap(\.relation)
        }.uniqued
    }

    /// Everything under a view, intermediate views included; nothing for a base relation.
    public func underlyingRelations(of relation: RelationName) -> [RelationName] {
        var found = UniqueList<RelationName>()
        var visited: Set<RelationName> = [Self.key(relation)]
        var pending = directBases(of: relation)
        while !pending.isEmpty {
            let next = pending.removeFirst()
            guard visited.insert(Self.key(next)).inserted else { continue }
            found.append(next)
            pending += directBases(of: next)
        }
        return found.elements
    }

    /// The base columns a column derives from, following views down to base relations.
    public func baseColumns(of column: ColumnReference, visiting: Set<RelationName> = []) -> [ColumnReference] {
        guard let view = column.relation, isView(view), !visiting.contains(Self.key(view)) else { return [column] }
        var mapped: [ColumnReference] = []
        for key in keys(view) {
            let mapping = viewColumns[key]
            if column.column == "*", let mapping {
                mapped += mapping.keys.sorted().flatMap { mapping[$0] ?? [] }
            } else if let known = mapping?[column.column] {
                mapped += known
            } else {
                mapped += directBases(of: key).map { ColumnReference(relation: $0, column: "*") }
            }
        }
        let inside = visiting.union([Self.key(view)])
        return mapped.flatMap { baseColumns(of: $0, visiting: inside) }.uniqued
    }
}
