import GatehouseCore
import GatehouseSQL

/// The views of one upstream database and what they are defined over, so a statement that reads
/// a view is recorded (and decided) by the base tables behind it. Built from the view
/// definitions PostgreSQL itself prints (`pg_get_viewdef`), analysed with the same parser as
/// client statements.
struct ViewCatalog: Sendable {
    private(set) var views: [RelationName: [RelationName]] = [:]
    private(set) var viewColumns: [RelationName: [String: [ColumnReference]]] = [:]

    /// Views and materialized views outside the system schemas: schema, name, definition.
    static let query = """
        SELECT n.nspname, c.relname, pg_get_viewdef(c.oid) FROM pg_class c \
        JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        """

    init() {}

    init(rows: [[String?]], analyzer: StatementAnalyzer) {
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
    }

    var isEmpty: Bool { views.isEmpty }

    func resolve(_ analysis: StatementAnalysis) -> StatementAnalysis {
        guard !views.isEmpty, !analysis.reads.isEmpty || !analysis.columns.isEmpty else { return analysis }
        return resolveViews(analysis, views: views, viewColumns: viewColumns)
    }
}
