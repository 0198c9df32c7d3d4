import Foundation
import GatehouseCore
import GatehousePostgresWire

/// What the `query` tool sends to the gateway's own session, decided before anything is sent.
/// Pure. The gateway's PostgreSQL pipeline still analyses, holds, masks and records the
/// statement as it would a psql client's; these rules only keep the tool to one statement, and
/// to reads unless the connection allows writes. Reads also run inside a `READ ONLY`
/// transaction, so PostgreSQL itself refuses a write the analysis did not see (a function that
/// writes, `nextval`).
public enum QueryToolRules {
    /// Statement kinds a read-only connection's `query` runs. `unknown` is let through: the
    /// gateway holds what it cannot analyse for approval, and the transaction stays read-only.
    static let readKinds: Set<StatementKind> = [.select, .show, .explain, .unknown]

    /// Kinds `query` never runs: each call is a transaction of its own, has no data stream for
    /// COPY, and ends before a notification could arrive.
    static let neverKinds: [StatementKind: String] = [
        .transaction: "transaction control is not available through query: each call runs in a transaction of its own",
        .copy: "COPY is not available through query: there is no data stream (use SELECT)",
        .listen: "LISTEN is not available through query: the session ends with the call",
        .doBlock: "DO blocks are not available through query",
    ]

    /// Why the tool refuses `analyses` (the statements of the `sql` argument), or nil.
    public static func refusal(_ analyses: [StatementAnalysis], connection: String, writesAllowed: Bool) -> ToolRefusal? {
        let statements = analyses.filter { $0.kind != .empty }
        guard !statements.isEmpty else { return ToolRefusal(SQLState.invalidParameterValue, "the sql argument holds no statement") }
        guard statements.count == 1 else {
            return ToolRefusal(SQLState.featureNotSupported,
                               "query runs one statement per call; this sql holds \(statements.count): send them in separate calls")
        }
        let statement = statements[0]
        if let reason = neverKinds[statement.kind] { return ToolRefusal(SQLState.featureNotSupported, reason) }
        if writesAllowed { return nil }
        let writes = !statement.writes.isEmpty || !statement.createsOrDrops.isEmpty
        guard readKinds.contains(statement.kind), !writes else {
            return ToolRefusal(SQLState.readOnlySQLTransaction,
                               "connection \(connection) is read-only through MCP: this statement (\(statement.kind.rawValue)) writes or changes "
                               + "the session; an operator allows writes with mcp_writes: true on the connection")
        }
        return nil
    }

    /// The statement text sent: the purpose, when given, as a leading line comment (the form the
    /// gateway reads a purpose from, docs/approvals.md). Line breaks are taken out of the purpose
    /// so it cannot end the comment and add SQL of its own.
    public static func text(sql: String, purpose: String?) -> String {
        guard let purpose, case let line = purpose.map({ $0.isNewline ? " " : $0 }).reduce(into: "", { $0.append($1) }),
              !line.trimmingCharacters(in: .whitespaces).isEmpty else { return sql }
        return "-- purpose: \(line)\n\(sql)"
    }
}
