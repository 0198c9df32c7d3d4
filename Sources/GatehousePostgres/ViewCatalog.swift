import GatehouseCore
import GatehouseSQL

/// The views of one upstream database and what they are defined over, so a statement that reads
/// a view is recorded (and decided) by the base tables behind it. Built from the view
/// definitions PostgreSQL itself prints (`pg_get_viewdef`), analysed with the same parser as
/// client statements.
struct ViewCatalog: Sendable {
    private(set) var resolver = ViewResolver(views: [:])
    /// Views whose definition cannot be fully analysed (it calls a function, say), and why: a
    /// statement reading one reads whatever that code reads.
    private var unanalysable: [RelationName: String] = [:]

    /// Views and materialized views outside the system schemas: schema, name, definition.
    static let query = """
        SELECT n.nspname, c.relname, pg_get_viewdef(c.oid) FROM pg_class c \
        JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        """

    init() {}

    /// From the rows of `query`; rows of another width (another query's, in the same round
    /// trip) are ignored.
    /// `check` applies what the rest of the catalog knows to each definition (user-defined
    /// functions and operators shadowing built-ins).
    init(rows: [[String?]], analyzer: StatementAnalyzer, check: (StatementAnalysis) -> StatementAnalysis = { $0 }) {
        var views: [RelationName: [RelationName]] = [:]
        var viewColumns: [RelationName: [String: [ColumnReference]]] = [:]
        for row in rows where row.count == 3 {
            guard let schema = row[0], let name = row[1], let definition = row[2],
                  let parsed = analyzer.analyze(definition).first
            else { continue }
            let analysis = check(parsed)
            let view = RelationName(schema: schema, name: name)
            if !analysis.analysable { unanalysable[view] = analysis.limitation ?? "its definition cannot be analysed" }
            views[view] = analysis.reads
            var columns: [String: [ColumnReference]] = [:]
            for output in analysis.outputs { columns[output.name, default: []] += output.sources }
            viewColumns[view] = columns
        }
        resolver = ViewResolver(views: views, viewColumns: viewColumns)
    }

    var isEmpty: Bool { resolver.isEmpty }

    /// The analysis, unanalysable when it reads (through any number of views) a view whose
    /// definition is.
    func checkDefinitions(_ analysis: StatementAnalysis) -> StatementAnalysis {
        guard !unanalysable.isEmpty, !analysis.reads.isEmpty else { return analysis }
        var reasons: [String] = []
        for read in analysis.reads {
            for relation in [read] + resolver.underlyingRelations(of: read) {
                let key = relation.qualified
                if let why = unanalysable[key] { reasons.append("reads view \(key), whose definition \(why)") }
            }
        }
        return reasons.isEmpty ? analysis : analysis.unanalysable(because: reasons.joined(separator: "; "))
    }

    func resolve(_ analysis: StatementAnalysis) -> StatementAnalysis {
        guard !analysis.reads.isEmpty || !analysis.columns.isEmpty else { return analysis }
        return resolver.resolve(analysis)
    }

    /// The base-table columns behind a (view) column.
    func baseColumns(of column: ColumnReference) -> [ColumnReference] {
        resolver.isEmpty ? [column] : resolver.baseColumns(of: column)
    }
}
