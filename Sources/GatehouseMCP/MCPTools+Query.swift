import GatehouseCore
import GatehousePostgres
import GatehousePostgresWire
import MCP

extension MCPTools {
    /// What the statement did first: finished, or was held for approval.
    enum FirstAnswer: Sendable {
        case finished(FinishedCall)
        case held(HeldNotice)
    }

    /// Runs the statement in a session of the gateway's own. A read runs inside a `READ ONLY`
    /// transaction that is rolled back. When the gateway holds the statement for approval the
    /// agent is answered at once, and the statement goes on waiting (`approval_status`).
    func query(_ connection: MCPConnection, text: String, maxRows: Int, caller: MCPCaller) async -> Answer {
        let session: InProcessPostgresSession
        switch await openSession(connection, caller: caller) {
        case .failure(let failed): return Answer(call: failed)
        case .success(let opened): session = opened
        }
        let readOnly = !connection.writesAllowed
        var answer = await answerOrHold(cancel: { session.close() }) { held in
            defer { session.close() }
            var finished = await Self.runStatement(text, maxRows: maxRows, readOnly: readOnly, on: session) { notice in
                if let notice = HeldNotice(notice) { held(notice) }
            }
            finished.postgresSession = session.id
            return finished
        }
        answer.call.postgresSession = session.id
        return answer
    }

    /// Runs `work` and answers with its result; or, when an approval request holds it first,
    /// answers at once that it is held, and keeps the work going for `approval_status`.
    /// `cancel` ends the work when the MCP session ends (nil: cancel its task).
    func answerOrHold(cancel: (@Sendable () -> Void)? = nil,
                      _ work: @escaping @Sendable (_ held: @escaping @Sendable (HeldNotice) -> Void) async -> FinishedCall) async -> Answer {
        let progress = AsyncStream<FirstAnswer>.makeStream()
        let answer = Task { () -> FinishedCall in
            let finished = await work { progress.continuation.yield(.held($0)) }
            progress.continuation.yield(.finished(finished))
            progress.continuation.finish()
            return finished
        }
        var first: FirstAnswer?
        for await step in progress.stream {
            first = step
            break
        }
        switch first {
        case .held(let notice):
            await held.add(requestID: notice.requestID, approvalURL: notice.approvalURL, cancel: cancel ?? { answer.cancel() }, answer: answer)
            return Answer(call: FinishedCall(result: QueryToolResult.held(notice), outcome: MCPActivity.Outcome.held),
                          approval: notice.requestID)
        case .finished(let finished):
            return Answer(call: finished)
        case nil:
            return Answer(call: Self.failed("gatehouse: the call ended without an answer"))
        }
    }

    static func runStatement(_ text: String, maxRows: Int, readOnly: Bool, on session: InProcessPostgresSession,
                             onNotice: @escaping @Sendable (ErrorFields) -> Void) async -> FinishedCall {
        do {
            if readOnly {
                let begin = try await session.query("BEGIN TRANSACTION READ ONLY", rowLimit: 0)
                if let error = begin.error { return failed(QueryToolResult.describe(error)) }
            }
            let result = try await session.query(text, rowLimit: maxRows, onNotice: onNotice)
            if readOnly { _ = try? await session.query("ROLLBACK", rowLimit: 0) }
            let rendered = QueryToolResult.rendered(result, maxRows: maxRows)
            return FinishedCall(result: rendered.result, outcome: rendered.outcome, error: rendered.error,
                                rows: result.error == nil ? result.rows.count : nil, truncated: result.error == nil ? result.truncated : nil)
        } catch {
            return failed("gatehouse: \(error)")
        }
    }

    static func failed(_ message: String) -> FinishedCall {
        FinishedCall(result: QueryToolResult.failure(message), outcome: MCPActivity.Outcome.error, error: message)
    }

    /// The gateway's own session for this caller; a refused login is the tool's error.
    func openSession(_ connection: MCPConnection, caller: MCPCaller) async -> Result<InProcessPostgresSession, FinishedCall> {
        guard let postgres else { return .failure(Self.failed("gatehouse: PostgreSQL is not served by this gateway")) }
        do {
            return .success(try await postgres.openInProcessSession(
                connection: connection.name, user: caller.principal.displayName, token: caller.token,
                applicationName: caller.applicationName, clientLabel: "mcp", on: eventLoopGroup.next()))
        } catch let error as UpstreamLoginError {
            return .failure(Self.failed(error.serverError.map(QueryToolResult.describe) ?? "gatehouse: \(error)"))
        } catch {
            return .failure(Self.failed("gatehouse: cannot open a session on connection \(connection.name): \(error)"))
        }
    }

    /// Tables and columns from the catalog, read through the gateway like any statement, with
    /// the category of every classified column (configured or derived). No values.
    func describe(_ connection: MCPConnection, table: RelationName?, caller: MCPCaller) async -> FinishedCall {
        let session: InProcessPostgresSession
        switch await openSession(connection, caller: caller) {
        case .failure(let failed): return failed
        case .success(let opened): session = opened
        }
        defer { session.close() }
        let result: SimpleQueryResult
        do {
            result = try await session.query(Self.catalogQuery(table), rowLimit: Self.describeRowLimit)
        } catch {
            return Self.failed("gatehouse: \(error)")
        }
        if let error = result.error { return Self.failed(QueryToolResult.describe(error)) }
        let classification = connection.classification.merging(postgres?.derivedClassification(of: connection.name).tables ?? [])
        let described = DescribedTables(rows: result.rows, classification: classification)
        let structured = described.value(truncated: result.truncated)
        return FinishedCall(result: QueryToolResult.success(structured),
                            outcome: MCPActivity.Outcome.ok, rows: result.rows.count, truncated: result.truncated, postgresSession: session.id)
    }

    static let describeRowLimit = 5000

    /// Every column of the user's tables, views and foreign tables, from `pg_catalog` (which any
    /// role reads, unlike `information_schema`, which hides the columns the role may not select:
    /// exactly the classified ones under the database backstop).
    static func catalogQuery(_ table: RelationName?) -> String {
        var filter = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
        if let table {
            // Plain identifiers only (`relationName`), so they are safe inside quotes.
            filter += " AND c.relname = '\(table.name)'"
            if let schema = table.schema { filter += " AND n.nspname = '\(schema)'" }
        }
        return """
            SELECT n.nspname, c.relname, c.relkind::text, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped AND \(filter)
            ORDER BY n.nspname, c.relname, a.attnum
            """
    }
}
