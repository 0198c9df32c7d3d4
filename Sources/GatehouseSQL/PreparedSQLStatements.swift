import GatehouseCore

/// The SQL prepared statements a session defined (`PREPARE p AS ...`), so that `EXECUTE p(...)`
/// is analysed as the statement it runs: held and masked like it. An EXECUTE of a name the gateway
/// did not see prepared is unanalysable. (The extended protocol's named statements are the
/// session's `ExtendedQueryState`; these live in SQL.)
public struct PreparedSQLStatements: Sendable {
    private var statements: [String: StatementAnalysis] = [:]

    public init() {}

    /// The analysis as the statement behaves: an EXECUTE takes its PREPARE's analysis (plus what
    /// its parameter expressions read); PREPARE and DEALLOCATE keep the set up to date.
    public mutating func apply(_ analysis: StatementAnalysis) -> StatementAnalysis {
        guard let reference = analysis.prepared else { return analysis }
        switch reference.action {
        case .prepare:
            if let name = reference.name { statements[name] = analysis }
            return analysis
        case .deallocate:
            if let name = reference.name { statements[name] = nil } else { statements.removeAll() }
            return analysis
        case .execute:
            guard let name = reference.name, let prepared = statements[name] else {
                return analysis.unanalysable(because: "EXECUTE runs prepared statement \(reference.name ?? "?"), which the gateway did not see prepared")
            }
            var executed = prepared
            executed.text = analysis.text
            executed.kind = prepared.prepared?.preparedKind ?? .unknown
            executed.prepared = reference
            executed.reads = (prepared.reads + analysis.reads).uniqued
            executed.columns = (prepared.columns + analysis.columns).uniqued
            executed.functions = (prepared.functions + analysis.functions).uniqued
            executed.operators = (prepared.operators + analysis.operators).uniqued
            executed.types = (prepared.types + analysis.types).uniqued
            if !analysis.analysable {
                executed = executed.unanalysable(because: analysis.limitation ?? "its parameters cannot be analysed")
            }
            return executed
        }
    }
}
