import Foundation
import GatehouseCore
import GatehousePostgres
import GatehousePostgresWire
import GatehouseSQL
import Logging
import MCP
import NIOCore

/// The tools of one MCP session (docs/mcp.md). Every call is recorded before it runs and when
/// it is answered (`mcp` events); a statement runs in a PostgreSQL session of the gateway's own,
/// opened with the caller's token, so it is analysed, held, masked and recorded exactly as a
/// psql client's statement would be.
final class MCPTools: Sendable {
    let settings: MCPSettings
    let connections: MCPConnectionTable
    let postgres: PostgresGateway?
    /// The Blob adapter's handler, when the gateway serves Azure Blob connections.
    let blob: InProcessHTTPHandler?
    let recorder: any EventRecorder
    let analyzer: StatementAnalyzer
    let eventLoopGroup: EventLoopGroup
    let held = HeldToolCalls()
    let logger: Logger

    init(settings: MCPSettings, connections: MCPConnectionTable, postgres: PostgresGateway?, blob: InProcessHTTPHandler?,
         recorder: any EventRecorder, analyzer: StatementAnalyzer, eventLoopGroup: EventLoopGroup, logger: Logger) {
        self.settings = settings
        self.connections = connections
        self.postgres = postgres
        self.blob = blob
        self.recorder = recorder
        self.analyzer = analyzer
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    static let maxWaitSeconds = 30

    func call(_ parameters: CallTool.Parameters, caller: MCPCaller) async -> CallTool.Result {
        let arguments = ToolArguments(parameters.arguments ?? [:])
        // The name as recorded: one the gateway offers, or `unknown` (an agent's text is no clear field).
        let tool = MCPActivity.Tool.all.contains(parameters.name) ? parameters.name : MCPActivity.Tool.unknown
        var request = activity(phase: MCPActivity.Phase.request, tool: tool, caller: caller)
        request.arguments = arguments.json
        let connection = arguments.string("connection")
        // Decided before anything runs; the decision is recorded before it takes effect.
        let plan: ToolPlan
        switch decide(parameters.name, arguments: arguments, caller: caller) {
        case .refuse(let refusal):
            request.decision = MCPActivity.Decision.refused
            request.reason = refusal.reason
            guard await record(request, connection: connection, caller: caller) else { return Self.notRecorded }
            return QueryToolResult.failure(refusal.message)
        case .run(let decided):
            plan = decided
        }
        request.decision = MCPActivity.Decision.allowed
        guard await record(request, connection: connection, caller: caller) else { return Self.notRecorded }
        let finished = await run(plan, caller: caller)
        var response = activity(phase: MCPActivity.Phase.response, tool: tool, caller: caller)
        response.outcome = finished.outcome
        response.error = finished.error
        response.rows = finished.rows
        response.truncated = finished.truncated
        response.approval = finished.approval
        response.postgresSession = finished.call.postgresSession
        guard await record(response, connection: connection, caller: caller) else { return Self.notRecorded }
        return finished.call.result
    }

    /// What a call will do once recorded.
    enum ToolPlan {
        case listConnections
        case describe(MCPConnection, table: RelationName?)
        case query(MCPConnection, text: String, maxRows: Int)
        case approvalStatus(requestID: String, waitSeconds: Int)
        case blobList(MCPConnection, container: String?, prefix: String?)
        case blobRead(MCPConnection, container: String, blob: String, purpose: String?)
    }

    enum Decision {
        case run(ToolPlan)
        case refuse(ToolRefusal)
    }

    func decide(_ tool: String, arguments: ToolArguments, caller: MCPCaller) -> Decision {
        switch tool {
        case MCPToolCatalog.listConnections:
            return .run(.listConnections)
        case MCPToolCatalog.describe:
            switch postgresConnection(arguments, caller: caller) {
            case .failure(let refusal): return .refuse(refusal)
            case .success(let connection):
                guard let table = arguments.string("table") else { return .run(.describe(connection, table: nil)) }
                guard let relation = Self.relationName(table) else {
                    return .refuse(ToolRefusal(SQLState.invalidParameterValue, "table must be a name or schema.name of letters, digits, _ and $"))
                }
                return .run(.describe(connection, table: relation))
            }
        case MCPToolCatalog.query:
            switch postgresConnection(arguments, caller: caller) {
            case .failure(let refusal): return .refuse(refusal)
            case .success(let connection):
                guard let sql = arguments.string("sql") else { return .refuse(ToolRefusal(SQLState.invalidParameterValue, "the sql argument is required")) }
                if let refusal = QueryToolRules.refusal(analyzer.analyze(sql), connection: connection.name,
                                                        writesAllowed: connection.writesAllowed) {
                    return .refuse(refusal)
                }
                let asked = arguments.integer("max_rows") ?? settings.maxRows
                return .run(.query(connection, text: QueryToolRules.text(sql: sql, purpose: arguments.string("purpose")),
                                   maxRows: min(max(asked, 1), settings.maxRows)))
            }
        case MCPToolCatalog.approvalStatus:
            guard let id = arguments.string("request_id") else {
                return .refuse(ToolRefusal(SQLState.invalidParameterValue, "the request_id argument is required"))
            }
            let wait = min(max(arguments.integer("wait_seconds") ?? 0, 0), Self.maxWaitSeconds)
            return .run(.approvalStatus(requestID: id, waitSeconds: wait))
        case MCPToolCatalog.blobList, MCPToolCatalog.blobRead:
            return decideBlob(tool, arguments: arguments, caller: caller)
        default:
            return .refuse(ToolRefusal(SQLState.featureNotSupported, "there is no such tool (see tools/list)"))
        }
    }

    private func postgresConnection(_ arguments: ToolArguments, caller: MCPCaller) -> Result<MCPConnection, ToolRefusal> {
        usableConnection(arguments, caller: caller, type: "postgres", typeName: "PostgreSQL")
    }

    /// The connection the `connection` argument names, when the caller may use it and it is of `type`.
    func usableConnection(_ arguments: ToolArguments, caller: MCPCaller, type: String, typeName: String) -> Result<MCPConnection, ToolRefusal> {
        guard let name = arguments.string("connection") else {
            return .failure(ToolRefusal(SQLState.invalidParameterValue, "the connection argument is required"))
        }
        // One answer for "no such connection" and "not yours": the agent learns only what it may use.
        guard let connection = connections.all.first(where: { $0.name == name }), connection.admits(caller.principal) else {
            return .failure(ToolRefusal(SQLState.invalidAuthorizationSpecification,
                                        "\(caller.principal.displayName) may not use a connection named \(name) (see list_connections)"))
        }
        guard connection.type == type else {
            return .failure(ToolRefusal(SQLState.featureNotSupported,
                                        "connection \(name) is of type \(connection.type): this tool works on \(typeName) connections"))
        }
        return .success(connection)
    }

    private func decideBlob(_ tool: String, arguments: ToolArguments, caller: MCPCaller) -> Decision {
        guard blob != nil else { return .refuse(ToolRefusal(SQLState.featureNotSupported, "this gateway serves no Azure Blob connection")) }
        let connection: MCPConnection
        switch usableConnection(arguments, caller: caller, type: "azure-blob", typeName: "Azure Blob") {
        case .failure(let refusal): return .refuse(refusal)
        case .success(let found): connection = found
        }
        let container = arguments.string("container")
        if let container, !BlobToolRequests.isContainerName(container) {
            return .refuse(ToolRefusal(SQLState.invalidParameterValue, "container must be 3 to 63 lower-case letters, digits and hyphens"))
        }
        if tool == MCPToolCatalog.blobList {
            return .run(.blobList(connection, container: container, prefix: arguments.string("prefix")))
        }
        guard let container, let name = arguments.string("blob"), !name.contains("\u{0}") else {
            return .refuse(ToolRefusal(SQLState.invalidParameterValue, "the container and blob arguments are required"))
        }
        return .run(.blobRead(connection, container: container, blob: name, purpose: arguments.string("purpose")))
    }

    /// `name` or `schema.name`, plain identifiers only (they are put into a catalog query).
    static func relationName(_ text: String) -> RelationName? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        func isIdentifier(_ part: String) -> Bool {
            guard let first = part.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
            return part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "$") }
        }
        guard (1...2).contains(parts.count), parts.allSatisfy(isIdentifier) else { return nil }
        return parts.count == 2 ? RelationName(schema: parts[0], name: parts[1]) : RelationName(name: parts[0])
    }

    struct Answer {
        var call: FinishedCall
        var approval: String?
        var outcome: String { call.outcome }
        var error: String? { call.error }
        var rows: Int? { call.rows }
        var truncated: Bool? { call.truncated }
    }

    private func run(_ plan: ToolPlan, caller: MCPCaller) async -> Answer {
        switch plan {
        case .listConnections:
            return Answer(call: listConnections(caller))
        case .describe(let connection, let table):
            return Answer(call: await describe(connection, table: table, caller: caller))
        case .query(let connection, let text, let maxRows):
            return await query(connection, text: text, maxRows: maxRows, caller: caller)
        case .blobList(let connection, let container, let prefix):
            return await blobList(connection, container: container, prefix: prefix, caller: caller)
        case .blobRead(let connection, let container, let name, let purpose):
            return await blobRead(connection, container: container, blob: name, purpose: purpose, caller: caller)
        case .approvalStatus(let id, let wait):
            switch await held.state(of: id, waitSeconds: wait) {
            case .unknown:
                let message = "gatehouse: no call held for approval request \(id) in this MCP session (a result is handed out once)"
                return Answer(call: FinishedCall(result: QueryToolResult.failure(message), outcome: MCPActivity.Outcome.error, error: message), approval: id)
            case .pending(let url):
                return Answer(call: FinishedCall(result: QueryToolResult.pending(id, approvalURL: url), outcome: MCPActivity.Outcome.held), approval: id)
            case .finished(let finished):
                return Answer(call: finished, approval: id)
            }
        }
    }

    private func listConnections(_ caller: MCPCaller) -> FinishedCall {
        let usable = connections.all.filter { $0.admits(caller.principal) }
        let listed: [Value] = usable.map { connection in
            var tools: [Value] = []
            if connection.type == "postgres" { tools = [.string(MCPToolCatalog.describe), .string(MCPToolCatalog.query)] }
            if connection.type == "azure-blob", blob != nil { tools = [.string(MCPToolCatalog.blobList), .string(MCPToolCatalog.blobRead)] }
            var entry: [String: Value] = ["name": .string(connection.name), "type": .string(connection.type), "tools": .array(tools)]
            if connection.type == "postgres" { entry["writes"] = .bool(connection.writesAllowed) }
            return .object(entry)
        }
        let structured = Value.object(["connections": .array(listed)])
        return FinishedCall(result: QueryToolResult.success(structured),
                            outcome: MCPActivity.Outcome.ok, rows: usable.count)
    }

    static let notRecorded = QueryToolResult.failure("gatehouse: the call could not be recorded in the evidence ledger, so nothing ran")

    func activity(phase: String, tool: String, caller: MCPCaller) -> MCPActivity {
        MCPActivity(phase: phase, tool: tool, mcpSession: caller.mcpSession, clientName: caller.clientName, clientVersion: caller.clientVersion)
    }

    func record(_ activity: MCPActivity, connection: String?, caller: MCPCaller) async -> Bool {
        let event = GatehouseEvent(sessionID: caller.mcpSession, connection: connection, principal: caller.principal, payload: .mcp(activity))
        do {
            try await recorder.record([event])
            return true
        } catch {
            logger.error("an MCP call could not be recorded", metadata: ["error": "\(error)"])
            return false
        }
    }
}
