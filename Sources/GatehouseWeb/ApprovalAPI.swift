import Foundation
import GatehouseApproval
import GatehouseCore
import GatehouseIdentity
import GatehousePolicy
import Hummingbird
import Logging
import NIOCore

/// The approvals REST API under `/api/v1` (see docs/approvals-api.md and `openapi.json`).
///
/// Every route but the OpenAPI document needs `Authorization: Bearer <token>`. A caller sees the
/// pending requests of connections they approve for, and their own; they decide through the
/// broker, which enforces four-eyes, approver groups, deadlines and grant caps. POSTs must be
/// `application/json`: bearer-token JSON APIs are not reachable by cross-site forms, which is
/// why there is no CSRF token. Approve and deny need a non-empty `reason` (it becomes evidence).
public struct ApprovalAPI: Sendable {
    public var broker: ApprovalBroker
    /// The approval rules of a connection, by name (nil: unknown connection, nobody approves).
    public var rules: @Sendable (String) -> ApprovalRules?
    /// Bearer token to principal; throws for an invalid token (the runtime passes `TokenValidator.validate`).
    public var authenticate: @Sendable (String) async throws -> Principal
    /// The human-facing link for a request ID (the approval page), included in request JSON.
    public var approvalURL: @Sendable (String) -> String
    public var now: @Sendable () -> Date

    public init(
        broker: ApprovalBroker, rules: @escaping @Sendable (String) -> ApprovalRules?,
        authenticate: @escaping @Sendable (String) async throws -> Principal,
        approvalURL: @escaping @Sendable (String) -> String, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.broker = broker
        self.rules = rules
        self.authenticate = authenticate
        self.approvalURL = approvalURL
        self.now = now
    }

    /// Every route lives under this prefix.
    public static let basePath = "/api/v1"
    /// The longest request body accepted (a reason and a grant fit easily).
    public static let maximumBodyBytes = 16 * 1024
    /// The longest reason accepted, in characters.
    public static let maximumReasonLength = 1000

    /// Registers the routes on a router.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        let api = self
        router.get("\(Self.basePath)/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: Self.openAPIDocument)))
        }
        router.get("\(Self.basePath)/approvals") { request, context in
            await api.authenticated(request, context) { caller in api.list(caller: caller) }
        }
        router.get("\(Self.basePath)/approvals/:id") { request, context in
            await api.authenticated(request, context) { caller in api.show(id: context.parameters.get("id") ?? "", caller: caller) }
        }
        router.post("\(Self.basePath)/approvals/:id/approve") { request, context in
            await api.authenticated(request, context) { caller in await api.decision(request, context, caller: caller, approve: true) }
        }
        router.post("\(Self.basePath)/approvals/:id/deny") { request, context in
            await api.authenticated(request, context) { caller in await api.decision(request, context, caller: caller, approve: false) }
        }
    }

    // MARK: - Handlers

    func list(caller: Principal) -> Response {
        let visible = broker.pending().filter { isVisible($0, to: caller) }
        return Self.json(.ok, .array(visible.map(requestJSON)))
    }

    func show(id: String, caller: Principal) -> Response {
        guard let request = broker.request(id), isVisible(request, to: caller) else { return Self.notFound(id) }
        return Self.json(.ok, requestJSON(request))
    }

    private func decision<Context: RequestContext>(
        _ request: Request, _ context: Context, caller: Principal, approve: Bool
    ) async -> Response {
        var request = request
        guard Self.isJSON(request.headers[.contentType]) else {
            return Self.error(.unsupportedMediaType, code: "unsupported_media_type",
                              message: "the request body must be JSON (Content-Type: application/json)")
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBodyBytes)
        } catch {
            return Self.error(.contentTooLarge, code: "body_too_large",
                              message: "the request body exceeds \(Self.maximumBodyBytes) bytes")
        }
        let parsed: DecisionBody
        switch DecisionBody.parse(Data(body.readableBytesView), approve: approve) {
        case .success(let value): parsed = value
        case .failure(let problem): return Self.error(.unprocessableContent, code: "invalid_body", message: problem.message)
        }
        let id = context.parameters.get("id") ?? ""
        return await decide(id: id, caller: caller, approve: approve, body: parsed, logger: context.logger)
    }

    func decide(id: String, caller: Principal, approve: Bool, body: DecisionBody, logger: Logger) async -> Response {
        switch await decideOnBroker(id: id, caller: caller, approve: approve, body: body, logger: logger) {
        case .failure(let refused):
            return refusal(refused)
        case .success(let decided):
            var fields: [String: APIJSON] = ["request": requestJSON(decided.request)]
            switch decided.outcome {
            case .approved(let grant):
                fields["outcome"] = "approved"
                fields["grant"] = grantJSON(grant)
            case .awaitingMoreApprovals(let remaining):
                fields["outcome"] = "awaiting_more_approvals"
                fields["remaining"] = .number(remaining)
            case .denied:
                fields["outcome"] = "denied"
            }
            return Self.json(.ok, .object(fields))
        }
    }

    /// A decision as the broker takes it, for the API and the web UI alike: the outcome and the
    /// request as it stands afterwards, or why the caller may not decide.
    func decideOnBroker(
        id: String, caller: Principal, approve: Bool, body: DecisionBody, logger: Logger
    ) async -> Result<(outcome: ApprovalDecisionOutcome, request: ApprovalRequest), ApprovalRefusal> {
        guard let pending = broker.request(id) else { return .failure(.unknownRequest(id)) }
        guard let connectionRules = rules(pending.connection) else {
            // The connection left the configuration: nobody can approve for it.
            return .failure(caller.isSamePerson(as: pending.requester) ? .selfApproval : .notAnApprover(approverGroups: []))
        }
        do {
            let outcome = try await broker.decision(on: id, by: caller, approve: approve, reason: body.reason,
                                                    grant: body.grant, now: now(), rules: connectionRules)
            return .success((outcome, broker.request(id) ?? pending))
        } catch {
            logger.info("approval decision refused", metadata: ["request": "\(id)", "subject": "\(caller.subject)", "refusal": "\(error.code)"])
            return .failure(error)
        }
    }

    private func refusal(_ refusal: ApprovalRefusal) -> Response {
        Self.error(refusal.httpStatus, code: refusal.code, message: refusal.description)
    }

    // MARK: - Visibility

    /// Approvers of the request's connection, and the requester, may see a request.
    func isVisible(_ request: ApprovalRequest, to caller: Principal) -> Bool {
        caller.isSamePerson(as: request.requester) || (rules(request.connection)?.isApprover(caller) ?? false)
    }

    // MARK: - Authentication

    private enum AuthenticationFailure: Error { case missing, invalid }

    private func authenticate<Context: RequestContext>(_ request: Request, _ context: Context) async -> Result<Principal, AuthenticationFailure> {
        guard let token = AuthorizationHeader.bearerToken(request.headers[.authorization]) else { return .failure(.missing) }
        do {
            return .success(try await authenticate(token))
        } catch {
            // The reason goes to the log, never to the client; the token goes nowhere.
            context.logger.info("approvals API: bearer token refused", metadata: ["reason": "\(error)"])
            return .failure(.invalid)
        }
    }

    /// Runs `body` for an authenticated caller, or answers 401.
    private func authenticated<Context: RequestContext>(
        _ request: Request, _ context: Context, _ body: (Principal) async -> Response
    ) async -> Response {
        switch await authenticate(request, context) {
        case .success(let caller):
            return await body(caller)
        case .failure(.missing):
            return Self.unauthorized(challenge: "Bearer realm=\"gatehouse\"", message: "a bearer token is required (Authorization: Bearer <token>)")
        case .failure(.invalid):
            return Self.unauthorized(challenge: "Bearer realm=\"gatehouse\", error=\"invalid_token\"",
                                     message: "the bearer token is invalid or expired")
        }
    }

    /// `application/json`, with or without parameters such as `charset`.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }

    // MARK: - Responses

    static func json(_ status: HTTPResponse.Status, _ value: APIJSON, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    static func error(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) -> Response {
        json(status, .object(["error": .object(["code": .string(code), "message": .string(message)])]), headers: headers)
    }

    static func unauthorized(challenge: String, message: String) -> Response {
        error(.unauthorized, code: "unauthorized", message: message, headers: [.wwwAuthenticate: challenge])
    }

    static func notFound(_ id: String) -> Response {
        error(.notFound, code: "unknown_request", message: ApprovalRefusal.unknownRequest(id).description)
    }
}

extension ApprovalRefusal {
    /// The API's error code for this refusal.
    public var code: String {
        switch self {
        case .selfApproval: "self_approval"
        case .notAnApprover: "not_an_approver"
        case .notPending: "not_pending"
        case .expired: "expired"
        case .alreadyApproved: "already_approved"
        case .grantTooLong: "grant_too_long"
        case .grantTooShort: "grant_too_short"
        case .unknownRequest: "unknown_request"
        case .storeUnavailable: "store_unavailable"
        }
    }

    /// 403 for who may not decide, 409 for a request past deciding, 422 for a bad grant, 404
    /// unknown, 503 when the shared store could not take the decision.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .selfApproval, .notAnApprover: .forbidden
        case .notPending, .expired, .alreadyApproved: .conflict
        case .grantTooLong, .grantTooShort: .unprocessableContent
        case .unknownRequest: .notFound
        case .storeUnavailable: .serviceUnavailable
        }
    }
}
