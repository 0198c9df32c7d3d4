import Foundation
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseIdentity
import GatehousePostgres
import GatehouseSQL
import HTTPTypes
import Hummingbird
import Logging
import MCP
import NIOConcurrencyHelpers
import NIOCore

/// The Streamable HTTP endpoint at `/mcp` (docs/mcp.md) and its Protected Resource Metadata.
/// Every request is checked in this order: Host and Origin (DNS rebinding), the bearer token
/// (exactly as every other path validates it), then the session it names, which must be the
/// caller's own. The MCP Swift SDK's transport does the protocol; the tools are `MCPTools`.
public final class MCPEndpoint: Sendable {
    public static let path = "/mcp"
    /// A JSON-RPC message larger than this is refused: the tools take a statement, not a document.
    static let maxBodyBytes = 1 << 20

    let settings: MCPSettings
    public let connections: MCPConnectionTable
    let validator: TokenValidator
    let postgres: PostgresGateway?
    let blob: InProcessHTTPHandler?
    let recorder: any EventRecorder
    let analyzer = StatementAnalyzer()
    let eventLoopGroup: EventLoopGroup
    let logger: Logger
    private let sessions: MCPSessionTable
    private let originCheck: OriginValidator

    public init(settings: MCPSettings, connections: MCPConnectionTable, validator: TokenValidator, postgres: PostgresGateway?,
                blob: InProcessHTTPHandler?, recorder: any EventRecorder, eventLoopGroup: EventLoopGroup, logger: Logger) {
        self.blob = blob
        self.settings = settings
        self.connections = connections
        self.validator = validator
        self.postgres = postgres
        self.recorder = recorder
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        sessions = MCPSessionTable(idleSeconds: settings.sessionIdleSeconds, perPrincipal: settings.sessionsPerPrincipal)
        originCheck = OriginValidator(allowedHosts: settings.allowedHosts, allowedOrigins: settings.allowedOrigins)
    }

    public func register<Context: Hummingbird.RequestContext>(on router: Router<Context>) {
        let metadata: @Sendable (Request, Context) async -> Response = { [settings] _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
                     body: ResponseBody(byteBuffer: ByteBuffer(data: ProtectedResourceMetadata.json(settings))))
        }
        router.get(RouterPath(ProtectedResourceMetadata.wellKnownPath), use: metadata)
        router.get(RouterPath(ProtectedResourceMetadata.wellKnownPath + Self.path), use: metadata)
        for method in [HTTPTypes.HTTPRequest.Method.get, .post, .delete] {
            router.on(RouterPath(Self.path), method: method) { [self] request, context in
                await handle(request, context: context)
            }
        }
    }

    /// Closes idle sessions every minute until cancelled.
    public func closeIdleSessions() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(60))
            await sessions.closeIdle()
        }
    }

    public func closeAllSessions() async {
        await sessions.closeAll()
    }

    func handle<Context: Hummingbird.RequestContext>(_ request: Request, context: Context) async -> Response {
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = headers[field.name.canonicalName].map { $0 + ", " + field.value } ?? field.value
        }
        // HTTP/1.1's Host arrives as the authority, not among the header fields.
        guard let authority = request.head.authority else {
            return Self.jsonRPCError(status: .misdirectedRequest, code: -32600, "a Host header is required")
        }
        headers["Host"] = authority
        let method = request.method.rawValue
        // DNS rebinding first: a page in a browser must not reach the endpoint at all.
        let validation = HTTPValidationContext(httpMethod: method, sessionID: nil, isInitializationRequest: false, supportedProtocolVersions: [])
        if let refused = originCheck.validate(MCP.HTTPRequest(method: method, headers: headers, path: Self.path), context: validation) {
            return Self.response(refused)
        }
        guard let token = AuthorizationHeader.bearerToken(request.headers[.authorization]) else {
            return unauthorized(reason: nil, message: "authentication required: send your OIDC access token as a bearer token")
        }
        let principal: Principal
        do {
            principal = try await validator.validatedToken(token).principal
        } catch {
            await recordRefusedToken(reason: "\(error)", clientAddress: ClientAddress.ipAddress(context))
            return unauthorized(reason: "\(error)", message: "token rejected: \(error)")
        }
        let body: Data?
        do {
            let collected = try await request.body.collect(upTo: Self.maxBodyBytes)
            body = collected.readableBytes > 0 ? Data(buffer: collected) : nil
        } catch {
            return Self.jsonRPCError(status: .contentTooLarge, code: -32600, "the request body is larger than \(Self.maxBodyBytes) bytes")
        }
        let mcpRequest = MCP.HTTPRequest(method: method, headers: headers, body: body, path: Self.path)
        let sessionID = mcpRequest.header(HTTPHeaderName.sessionID)
        let session: MCPSessionTable.Session
        if let sessionID {
            guard let found = await sessions.session(sessionID, caller: principal) else {
                // Unknown, ended, or someone else's: the same answer, and the client starts a new one.
                return Self.jsonRPCError(status: .notFound, code: -32001, "no MCP session \(sessionID): initialise a new session")
            }
            session = found
        } else {
            guard method == "POST", Self.isInitialize(body) else {
                return Self.jsonRPCError(status: .badRequest, code: -32600, "Mcp-Session-Id is required: initialise a session first")
            }
            if let refusal = await sessions.refusalOfNewSession(for: principal) {
                return Self.jsonRPCError(status: .tooManyRequests, code: -32600, refusal)
            }
            do {
                session = try await openSession(owner: principal)
            } catch {
                logger.error("an MCP session could not start", metadata: ["error": "\(error)"])
                return Self.jsonRPCError(status: .internalServerError, code: -32603, "the MCP session could not start")
            }
        }
        let answer = await session.transport.handleRequest(mcpRequest)
        if method == "DELETE", answer.statusCode == 200, let sessionID { await sessions.remove(sessionID) }
        return Self.response(answer)
    }

    /// A new session: its own transport, SDK server and tools, registered under the ID the
    /// transport hands out when it answers `initialize`.
    private func openSession(owner: Principal) async throws -> MCPSessionTable.Session {
        let id = UUID().uuidString.lowercased()
        let transport = StatefulHTTPServerTransport(
            sessionIDGenerator: FixedSessionID(id: id),
            validationPipeline: StandardValidationPipeline(validators: [
                AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(), ProtocolVersionValidator(), SessionValidator(),
            ]))
        let tools = MCPTools(settings: settings, connections: connections, postgres: postgres, blob: blob, recorder: recorder,
                             analyzer: analyzer, eventLoopGroup: eventLoopGroup, logger: logger)
        let server = Server(name: "gatehouse", version: "1", title: "Gatehouse",
                            instructions: Self.instructions, capabilities: .init(tools: .init(listChanged: false)))
        let client = NIOLockedValueBox<Client.Info?>(nil)
        let offered = MCPToolCatalog.tools(maxRows: settings.maxRows, blob: blob != nil)
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: offered) }
        await server.withMethodHandler(CallTool.self) { [validator] parameters in
            // The HTTP request carrying this call was authenticated as the session's owner; its
            // token opens the gateway's own database session in the caller's name.
            guard let token = AuthorizationHeader.bearerToken(Server.currentHandlerContext?.httpContext?.header("Authorization")) else {
                throw MCPError.invalidRequest("the call arrived without a bearer token")
            }
            let principal = try await validator.validatedToken(token).principal
            let info = client.withLockedValue { $0 }
            return await tools.call(parameters, caller: MCPCaller(principal: principal, token: token, mcpSession: id,
                                                                  clientName: info?.name, clientVersion: info?.version))
        }
        try await server.start(transport: transport) { info, _ in client.withLockedValue { $0 = info } }
        let session = MCPSessionTable.Session(transport: transport, server: server, tools: tools, owner: owner, lastUsed: Date())
        await sessions.add(id, session)
        return session
    }

    static let instructions = """
        Gatehouse is an access gateway: every call is recorded, personal identifiers in results are masked, and statements \
        that touch personal data wait for a human approver. Start with list_connections, then describe. Say why in query's \
        purpose argument. When query answers that an approval request holds the statement, call approval_status with its \
        request_id (wait_seconds up to 30) until it is decided.
        """

    static func isInitialize(_ body: Data?) -> Bool {
        guard let body, let message = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return message["method"] as? String == "initialize"
    }

    private func unauthorized(reason: String?, message: String) -> Response {
        var response = Self.jsonRPCError(status: .unauthorized, code: -32001, message)
        response.headers[.wwwAuthenticate] = ProtectedResourceMetadata.challenge(settings, invalidTokenReason: reason)
        return response
    }

    private func recordRefusedToken(reason: String, clientAddress: String?) async {
        let event = GatehouseEvent(sessionID: UUID().uuidString.lowercased(), connection: nil, principal: nil,
                                   payload: .authentication(.init(accepted: false, reason: reason, clientAddress: clientAddress, clientApplication: "mcp")))
        do { try await recorder.record([event]) } catch {
            logger.error("refused MCP token not recorded", metadata: ["error": "\(error)"])
        }
    }

    static func jsonRPCError(status: HTTPTypes.HTTPResponse.Status, code: Int, _ message: String) -> Response {
        let body: [String: Any] = ["jsonrpc": "2.0", "id": NSNull(), "error": ["code": code, "message": "gatehouse: \(message)"]]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

    /// The SDK transport's answer as a Hummingbird response; an SSE stream is written as it comes.
    static func response(_ answer: MCP.HTTPResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        headers[.cacheControl] = "no-store"
        let status = HTTPTypes.HTTPResponse.Status(code: answer.statusCode)
        if case .stream(let events, _) = answer {
            return Response(status: status, headers: headers, body: ResponseBody { writer in
                for try await chunk in events { try await writer.write(ByteBuffer(data: chunk)) }
                try await writer.finish(nil)
            })
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: answer.bodyData ?? Data())))
    }
}

/// The transport's session ID generator, fixed to the ID the table registers the session under.
private struct FixedSessionID: SessionIDGenerator {
    let id: String
    func generateSessionID() -> String { id }
}
