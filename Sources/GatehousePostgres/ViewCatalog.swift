import GatehouseCore
import GatehouseSQL

/// The views of one upstream database and what they are defined over, so a statement that reads
/// a view is recorded (and decided) by the base tables behind it. Built from the view
/// definitions PostgreSQL itself prints (`pg_get_viewdef`), analysed with the same parser as
/// client statements.
struct ViewCatalog: Sendable {
    private(set) var resolver = ViewResolver(views: [:])

    /// Views and materialized views outside the system schemas: schema, name, definition.
    static let query = """
        SELECT n.nspname, c.relname, pg_get_viewdef(c.oid) FROM pg_class c \
        JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        """

    init() {}

    /// From the rows of `query`; rows of another width (another query's, in the same round
    /// trip) are ignored.
    init(rows: [[String?]], analyzer: StatementAnalyzer) {
        var views: [RelationName: [RelationName]] = [:]
        var viewColumns: [RelationName: [String: [ColumnReference]]] = [:]
        for row in rows where row.count == 3 {
            guard let schema = row[0], let name = row[1], let definition = row[2],
                  let analysis = analyzer.analyze(definition).first
            else { continue }
            let view = RelationName(schema: schema, name: name)
            views[view] = analysis.reads
            var columns: [String: [ColumnReference]] = [:]
            for output in analysis.outputs { columns[output.name, default: []] += output.sources }
            viewColumns[view] = columns
        }
        resolver = ViewResolver(views: views, viewColumns: viewColumns)
    }

    var isEmpty: Bool { resolver.isEmpty }

    func resolve(_ analysis: StatementAnalysis) -> StatementAnalysis {
        guard !analysis.reads.isEmpty || !analysis.columns.isEmpty else { return analysis }
        return resolver.resolve(analysis)
    }

    /// The base-table columns behind a (view) column.
    func baseColumns(of column: ColumnReference) -> [ColumnReference] {
        resolver.isEmpty ? [column] : resolver.baseColumns(of: column)
    }
}
