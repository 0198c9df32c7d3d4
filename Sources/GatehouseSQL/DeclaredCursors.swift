import GatehouseCore

/// The SQL cursors a session declared, so that a FETCH is analysed as the query it returns the
/// rows of: held and masked like that query. A FETCH from a cursor the gateway did not see
/// declared (opened inside a function, say) is unanalysable.
public struct DeclaredCursors: Sendable {
    private var cursors: [String: StatementAnalysis] = [:]

    public init() {}

    /// The analysis as the statement behaves: a FETCH (or MOVE) takes its cursor's reads,
    /// columns and outputs; DECLARE and CLOSE keep the set up to date.
    public mutating func apply(_ analysis: StatementAnalysis) -> StatementAnalysis {
        guard let cursor = analysis.cursor else { return analysis }
        switch cursor.action {
        case .declare:
            if let name = cursor.name { cursors[name] = analysis }
            return analysis
        case .close:
            if let name = cursor.name { cursors[name] = nil } else { cursors.removeAll() }
            return analysis
        case .fetch:
            guard let name = cursor.name, let declared = cursors[name] else {
                return analysis.unanalysable(because: "fetches from cursor \(cursor.name ?? "?"), whose query the gateway did not see declared")
            }
            var fetched = analysis
            fetched.reads = declared.reads
            fetched.columns = declared.columns
            fetched.outputs = declared.outputs
            fetched.functions = declared.functions
            fetched.operators = declared.operators
            guard declared.analysable else {
                return fetched.unanalysable(because: "fetches from cursor \(name): \(declared.limitation ?? "its query cannot be analysed")")
            }
            return fetched
        }
    }
}
