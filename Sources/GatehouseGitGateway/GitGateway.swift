import Foundation
import GatehouseApproval
import GatehouseCore
import GatehouseGit
import GatehouseGitScan
import GatehouseHTTPProxy
import GatehousePolicy
import Hummingbird
import HTTPTypes
import Logging
import NIOCore

/// Git smart HTTP through the gateway (docs/git.md): clients use
/// `https://<gateway>/git/<connection>/<repository>` with their OIDC token; the gateway checks
/// who they are and what they may do, records every request in the ledger before it takes
/// effect, refuses pushes its policy or its scan of the pushed pack rejects (with a report git
/// prints), and forwards the rest to the upstream with credentials only it holds.
public struct GitGateway: Sendable {
    /// One `type: git` connection, ready to serve.
    public struct Connection: Sendable {
        public var name: String
        public var upstream: UpstreamEndpoint
        public var allowedGroups: [String]
        public var push: GitPushPolicy
        /// nil: pushes are not scanned.
        public var scanner: GitPushScanner?
        /// Whether a push the scanner finds identifiers in waits for approval (instead of being refused).
        public var scanHolds: Bool
        /// Which fetches and pushes wait for approval, and who approves.
        public var approval: GitApprovalTrigger

        public init(
            name: String, upstream: UpstreamEndpoint, allowedGroups: [String], push: GitPushPolicy, scanner: GitPushScanner?,
            scanHolds: Bool = false, approval: GitApprovalTrigger = GitApprovalTrigger(rules: ApprovalRules(mode: .never), repositories: [])
        ) {
            self.name = name
            self.upstream = upstream
            self.allowedGroups = allowedGroups
            self.push = push
            self.scanner = scanner
            self.scanHolds = scanHolds
            self.approval = approval
        }
    }

    /// Bodies the gateway must read whole before deciding; larger ones are refused (413).
    public struct Limits: Sendable {
        public var uploadPackRequestBytes = 64 * 1024 * 1024
        public var pushBytes = 512 * 1024 * 1024
        public var advertisementBytes = 64 * 1024 * 1024
        public var upstreamTimeout: Duration = .seconds(300)
        public init() {}
    }

    /// The connections by name, as last (re)loaded (`reload(connections:)`).
    let table: ConnectionTable<Connection>
    public var connections: [String: Connection] { table.all }
    public var forwarder: HTTPForwarder
    /// Bearer or Basic-password token to principal (the same validation as PostgreSQL logins).
    public var authenticate: @Sendable (String) async throws -> Principal
    public var recorder: any EventRecorder
    /// Emails to subject-index references (keyed digests, as masking makes them).
    public var subjectDigests: @Sendable ([String]) -> [SubjectReference]
    public var limits: Limits
    /// The broker held requests wait on: the same one PostgreSQL statements, the API and the UI use.
    public var approvals: ApprovalBroker
    /// The page an approver opens for a request.
    public var approvalURL: @Sendable (String) -> String
    /// The kinds of the configured notification targets, recorded with each held request.
    public var notificationKinds: [String]

    public init(
        connections: [Connection], forwarder: HTTPForwarder, authenticate: @escaping @Sendable (String) async throws -> Principal,
        recorder: any EventRecorder, subjectDigests: @escaping @Sendable ([String]) -> [SubjectReference],
        limits: Limits = Limits(), approvals: ApprovalBroker = ApprovalBroker(),
        approvalURL: @escaping @Sendable (String) -> String = { "/ui/approvals/\($0)" }, notificationKinds: [String] = []
    ) {
        self.approvals = approvals
        self.approvalURL = approvalURL
        self.notificationKinds = notificationKinds
        self.table = ConnectionTable(connections, name: \.name)
        self.forwarder = forwarder
        self.authenticate = authenticate
        self.recorder = recorder
        self.subjectDigests = subjectDigests
        self.limits = limits
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let gateway = self
        router.get("/git/**") { request, context in await gateway.handle(request, context: context) }
        router.post("/git/**") { request, context in await gateway.handle(request, context: context) }
    }

    /// Everything a request needs once the caller is known and allowed.
    struct Call: Sendable {
        let path: GitRequestPath
        let connection: Connection
        let principal: Principal
        /// The `Gatehouse-Purpose` header's purpose, shown to approvers.
        let purpose: Purpose?
        let sessionID = UUID().uuidString.lowercased()
        let logger: Logger
    }

    func handle<Context: RequestContext>(_ request: Request, context: Context) async -> Response {
        guard let path = GitRequestPath(path: request.uri.path) else {
            return Self.plain(.notFound, "not a Git smart-HTTP URL: use /git/<connection>/<repository>; the dumb HTTP protocol is not served")
        }
        guard let connection = table[path.connection] else {
            return Self.plain(.notFound, "unknown Git connection '\(path.connection)'")
        }
        guard let token = GitCredentials.token(fromAuthorization: request.headers[.authorization]) else {
            return Self.plain(.unauthorized, "authentication required: use your OIDC token as the password (any user name)",
                              headers: [.wwwAuthenticate: "Basic realm=\"Gatehouse\""])
        }
        let principal: Principal
        do {
            principal = try await authenticate(token)
        } catch {
            await recordRefusedToken(connection: connection.name, reason: "\(error)", clientAddress: ClientAddress.ipAddress(context),
                                     logger: context.logger)
            return Self.plain(.unauthorized, "token rejected: \(error)", headers: [.wwwAuthenticate: "Basic realm=\"Gatehouse\""])
        }
        guard ExactIdentifier.sharesAny(principal.groups, connection.allowedGroups) else {
            return Self.plain(.forbidden, "\(principal.displayName) is not in a group allowed on connection \(connection.name)")
        }
        let call = Call(path: path, connection: connection, principal: principal,
                        purpose: Purpose.fromHeader(request.headers[Self.purposeHeader]), logger: context.logger)
        switch path.endpoint {
        case .infoRefs: return await advertisement(request, call)
        case .uploadPack: return await uploadPack(request, call)
        case .receivePack: return await receivePack(request, call)
        }
    }

    // MARK: - Shared steps

    /// Records the activity; false when it could not be (the request must then not proceed).
    func record(_ activity: GitActivity, _ call: Call) async -> Bool {
        await record([.git(activity)], call)
    }

    /// Records events of this request's session, as the caller (or `as` someone else: an
    /// approver's decision); false when they could not be recorded.
    func record(_ payloads: [EventPayload], _ call: Call, as principal: Principal? = nil) async -> Bool {
        let events = payloads.map {
            GatehouseEvent(sessionID: call.sessionID, connection: call.connection.name, principal: principal ?? call.principal, payload: $0)
        }
        do {
            try await recorder.record(events)
            return true
        } catch {
            call.logger.error("git request not recorded; refusing it", metadata: ["error": "\(error)"])
            return false
        }
    }

    static let purposeHeader = HTTPField.Name("Gatehouse-Purpose")!

    static let notRecorded = plain(.serviceUnavailable, "the request could not be recorded in the evidence ledger, so it was not forwarded")

    private func recordRefusedToken(connection: String, reason: String, clientAddress: String?, logger: Logger) async {
        let event = GatehouseEvent(sessionID: UUID().uuidString.lowercased(), connection: connection, principal: nil,
                                   payload: .authentication(.init(accepted: false, reason: reason, clientAddress: clientAddress,
                                                                  clientApplication: "git")))
        do { try await recorder.record([event]) } catch {
            logger.error("refused git token not recorded", metadata: ["error": "\(error)"])
        }
    }

    func forward(_ proxyRequest: ProxyRequest, _ call: Call) async -> Result<UpstreamResponse, ProxyError> {
        do {
            return .success(try await forwarder.forward(proxyRequest, to: call.connection.upstream, timeout: limits.upstreamTimeout))
        } catch let error as ProxyError {
            return .failure(error)
        } catch {
            return .failure(.upstreamFailed(host: call.connection.upstream.host, detail: "\(error)"))
        }
    }

    /// The request's body, whole, within `limit`.
    static func buffered(_ request: Request, path: String, limit: Int) async -> Result<ProxyRequest, ProxyError> {
        do {
            return .success(try await ProxyRequest.buffering(from: request, path: path, limit: limit))
        } catch let error as ProxyError {
            return .failure(error)
        } catch {
            return .failure(.invalidPath("unreadable request body: \(error)"))
        }
    }

    static func plain(_ status: HTTPResponse.Status, _ message: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return PlainTextResponse.make(status, message, headers: headers)
    }
}

extension GitGateway {
    /// Takes a reloaded configuration's connections: requests that arrive from now on use them.
    public func reload(connections: [Connection]) {
        table.replace(with: connections, name: \.name)
    }
}
