import Foundation
import GatehouseApproval
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseKubernetes
import GatehouseMasking
import GatehousePolicy
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import NIOSSL

/// The Kubernetes API through the gateway (docs/kubernetes.md): kubectl, unchanged, uses
/// `https://<gateway>/k8s/<connection>` as its server and the agent's OIDC token as its bearer
/// token. The gateway checks who it is and what it may do (operations, namespaces), records
/// every request before it is forwarded, authenticates to the API server with a credential only
/// it holds, and masks what comes back (pod details, logs). Exec is not relayed yet (issue 19).
public struct KubeGateway: Sendable {
    /// One `type: kubernetes` connection, ready to serve.
    public struct Connection: Sendable {
        public var name: String
        /// The API server; its credential is set per request (`token`).
        public var upstream: UpstreamEndpoint
        /// The gateway's bearer token, read at every request (projected tokens rotate); nil when
        /// the gateway authenticates with a client certificate (in `forwarder`'s TLS).
        public var token: (@Sendable () throws -> String)?
        /// An HTTP client trusting the cluster's CA (and presenting the client certificate).
        public var forwarder: HTTPForwarder
        /// The same trust (and certificate) for exec's WebSocket to the API server.
        public var tls: TLSConfiguration
        public var allowedGroups: [String]
        public var operations: Set<KubeOperation>
        public var classification: KubeClassification
        public var commands: CommandRules
        /// Which exec and logs wait for approval, and who approves.
        public var approval: KubeApprovalTrigger

        public init(name: String, upstream: UpstreamEndpoint, token: (@Sendable () throws -> String)?, forwarder: HTTPForwarder,
                    tls: TLSConfiguration, allowedGroups: [String], operations: Set<KubeOperation>, classification: KubeClassification,
                    commands: CommandRules = CommandRules(),
                    approval: KubeApprovalTrigger = KubeApprovalTrigger(rules: ApprovalRules(mode: .never))) {
            self.approval = approval
            self.name = name
            self.upstream = upstream
            self.token = token
            self.forwarder = forwarder
            self.tls = tls
            self.allowedGroups = allowedGroups
            self.operations = operations
            self.classification = classification
            self.commands = commands
        }

        /// The API server with the gateway's current token on it (a token file is read again:
        /// projected service-account tokens rotate). Throws when the token cannot be read.
        func credentialedUpstream() throws -> UpstreamEndpoint {
            var endpoint = upstream
            if let token { endpoint.credential = .bearer(try token()) }
            return endpoint
        }
    }

    public struct Limits: Sendable {
        /// Pod lists and details are read whole to mask them.
        public var objectBytes = 32 * 1024 * 1024
        public var upstreamTimeout: Duration = .seconds(60)
        public init() {}
    }

    /// The connections by name, as last (re)loaded (`reload(connections:)`).
    let table: ConnectionTable<Connection>
    public var connections: [String: Connection] { table.all }
    /// Bearer token to principal (the same validation as every other listener).
    public var authenticate: @Sendable (String) async throws -> Principal
    public var recorder: any EventRecorder
    public var engine: MaskingEngine
    public var limits: Limits
    /// The broker held requests wait on: the same one statements, Git, Blob, the API and the UI use.
    public var approvals: ApprovalBroker
    /// The page an approver opens for a request.
    public var approvalURL: @Sendable (String) -> String
    /// The kinds of the configured notification targets, recorded with each held request.
    public var notificationKinds: [String]

    public init(connections: [Connection], authenticate: @escaping @Sendable (String) async throws -> Principal,
                recorder: any EventRecorder, engine: MaskingEngine, limits: Limits = Limits(), approvals: ApprovalBroker = ApprovalBroker(),
                approvalURL: @escaping @Sendable (String) -> String = { "/ui/approvals/\($0)" }, notificationKinds: [String] = []) {
        self.approvals = approvals
        self.approvalURL = approvalURL
        self.notificationKinds = notificationKinds
        self.table = ConnectionTable(connections, name: \.name)
        self.authenticate = authenticate
        self.recorder = recorder
        self.engine = engine
        self.limits = limits
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let gateway = self
        for method in [HTTPRequest.Method.get, .head, .put, .post, .patch, .delete] {
            router.on("/k8s/**", method: method) { request, context in await gateway.handle(request, context: context) }
        }
    }

    /// Everything a request needs once the caller is known and allowed.
    struct Call: Sendable {
        let request: KubeRequest
        let connection: Connection
        let principal: Principal
        /// The `Gatehouse-Purpose` header's purpose, shown to approvers.
        var purpose: Purpose? = nil
        let sessionID = UUID().uuidString.lowercased()
        let logger: Logger
    }

    static let purposeHeader = HTTPField.Name("Gatehouse-Purpose")!

    func handle<Context: RequestContext>(_ request: Request, context: Context) async -> Response {
        let path = request.uri.path
        let caller: (connection: Connection, principal: Principal)
        switch await authorize(path: path, authorization: request.headers[.authorization], clientAddress: ClientAddress.ipAddress(context),
                               logger: context.logger) {
        case .success(let authorized): caller = authorized
        case .failure(let status): return Self.status(status)
        }
        let (connection, principal) = caller
        let name = connection.name
        let kubeRequest: KubeRequest
        do {
            kubeRequest = try KubeRequest(method: request.method.rawValue, path: path, query: request.uri.query)
        } catch let refusal as KubeRequest.Refusal {
            let upstreamPath = String(path.dropFirst(KubeRequest.prefix.count + name.count))
            let activity = KubeActivity(phase: KubeActivity.Phase.request, operation: "unrecognised", path: upstreamPath.isEmpty ? "/" : upstreamPath,
                                        decision: KubeActivity.Decision.refused, reason: refusal.message)
            guard await record(.kubernetes(activity), sessionID: UUID().uuidString.lowercased(), connection: name, principal: principal,
                               logger: context.logger) else { return Self.status(Self.notRecorded) }
            return Self.status(KubeStatus(refusal))
        } catch {
            return Self.status(.badRequest("\(error)"))
        }
        var call = Call(request: kubeRequest, connection: connection, principal: principal, logger: context.logger)
        call.purpose = Purpose.fromHeader(request.headers[Self.purposeHeader])
        if kubeRequest.operation == .exec {
            guard await record(requestActivity(call, decision: KubeActivity.Decision.refused, reason: Self.execNeedsWebSocket), call) else {
                return Self.status(Self.notRecorded)
            }
            return Self.status(.forbidden(Self.execNeedsWebSocket))
        }
        if let refusal = await admit(call) { return Self.status(refusal) }
        return await forward(request, call)
    }

    /// The connection a path names and the caller its bearer token proves, or the Status that
    /// refuses it: the same for plain requests and exec upgrades. A refused token is recorded.
    func authorize(path: String, authorization: String?, clientAddress: String?, logger: Logger) async
        -> Result<(connection: Connection, principal: Principal), KubeStatus> {
        guard let name = KubeRequest.connectionName(inPath: path), let connection = table[name] else {
            return .failure(.notFound("no Kubernetes connection here: use /k8s/<connection> as the kubeconfig's server"))
        }
        guard let authorization, authorization.lowercased().hasPrefix("bearer "),
              case let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces), !token.isEmpty else {
            return .failure(.unauthorized("authentication required: send your OIDC token as the bearer token (gatehouse token)"))
        }
        let principal: Principal
        do {
            principal = try await authenticate(token)
        } catch {
            await recordRefusedToken(connection: name, reason: "\(error)", clientAddress: clientAddress, logger: logger)
            return .failure(.unauthorized("token rejected: \(error)"))
        }
        guard ExactIdentifier.sharesAny(principal.groups, connection.allowedGroups) else {
            return .failure(.forbidden("\(principal.displayName) is not in a group allowed on connection \(name)"))
        }
        return .success((connection, principal))
    }

    /// Why the connection's rules refuse this request, or nil.
    func refusal(_ call: Call) -> String? {
        let request = call.request, connection = call.connection
        guard connection.operations.contains(request.operation) else {
            return "\(request.operation.rawValue) is not allowed on connection \(connection.name)"
        }
        if let namespace = request.namespace {
            guard connection.classification.allows(namespace: namespace) else {
                return "namespace \(namespace) is not one connection \(connection.name) reaches"
            }
        } else if request.operation != .discovery {
            // Across all namespaces: only when every namespace is allowed.
            guard connection.classification.namespaces.contains(where: { $0.text == "*" }) else { return "\(request.operation.rawValue) across all namespaces is not allowed on connection \(connection.name): name one" }
        }
        switch request.operation {
        case .attach:
            return "attach is not relayed by Gatehouse: it joins a container's main process, which no command rule or approval "
                + "describes; use exec (docs/kubernetes.md)"
        case .portForward:
            return "port-forward is not relayed by Gatehouse: a raw tunnel cannot be masked or recorded (docs/kubernetes.md)"
        case .exec:
            return request.exec.flatMap { connection.commands.refusal(for: $0) }
        default:
            return nil
        }
    }

    /// Exec reaches the routes only when it is not a WebSocket upgrade Gatehouse accepts: SPDY
    /// (kubectl's fallback, and older kubectl's only way) is not relayed.
    static let execNeedsWebSocket = "exec is relayed over WebSocket (v5.channel.k8s.io or v4.channel.k8s.io, kubectl 1.30 or later); "
        + "SPDY is not relayed"

    static let notRecorded = KubeStatus.unavailable("the request could not be recorded in the evidence ledger, so it was not forwarded")

    /// A `Status` response, as the API server writes one.
    static func status(_ status: KubeStatus) -> Response {
        Response(status: HTTPResponse.Status(code: status.code), headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: status.json)))
    }
}

extension KubeGateway {
    /// Takes a reloaded configuration's connections: requests that arrive from now on use them.
    public func reload(connections: [Connection]) {
        table.replace(with: connections, name: \.name)
    }
}
