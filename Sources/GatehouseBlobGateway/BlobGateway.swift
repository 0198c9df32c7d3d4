import Foundation
import GatehouseApproval
import GatehouseBlob
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseMasking
import GatehousePolicy
import Hummingbird
import HTTPTypes
import Logging
import NIOCore

/// Azure Blob Storage through the gateway (docs/blob.md): the Azure SDK, unchanged, uses
/// `https://<gateway>/blob/<connection>` as its account URL and its OIDC token as a bearer
/// token. The gateway checks who it is and what it may do, records every request before it is
/// forwarded, signs it with the account key only the gateway holds, masks what comes back
/// (listings, metadata, the content of classified and text blobs) and scans what goes up.
public struct BlobGateway: Sendable {
    /// One `type: azure-blob` connection, ready to serve.
    public struct Connection: Sendable {
        /// How requests are authorised at the account.
        public enum Credential: Sendable {
            case sharedKey(SharedKeySigner)
            case entraID(EntraIDTokenSource)
            case sas(SharedAccessSignature)
        }

        public var name: String
        public var upstream: UpstreamEndpoint
        public var credential: Credential
        public var allowedGroups: [String]
        public var readWriteGroups: [String]
        public var operations: Set<BlobOperation>
        public var classification: BlobClassification
        /// Whether uploads are scanned, refusing those that add identifiers.
        public var scanUploads: Bool
        /// Whether an upload the scan finds identifiers in waits for approval instead of being refused.
        public var scanHolds: Bool
        /// Which reads and writes wait for approval, and who approves.
        public var approval: BlobApprovalTrigger

        public init(name: String, upstream: UpstreamEndpoint, credential: Credential, allowedGroups: [String],
                    readWriteGroups: [String], operations: Set<BlobOperation>, classification: BlobClassification, scanUploads: Bool,
                    scanHolds: Bool = false,
                    approval: BlobApprovalTrigger = BlobApprovalTrigger(rules: ApprovalRules(mode: .never), classifiedPaths: [])) {
            self.scanHolds = scanHolds
            self.approval = approval
            self.name = name
            self.upstream = upstream
            self.credential = credential
            self.allowedGroups = allowedGroups
            self.readWriteGroups = readWriteGroups
            self.operations = operations
            self.classification = classification
            self.scanUploads = scanUploads
        }
    }

    /// What the gateway holds in memory for one request.
    public struct Limits: Sendable {
        /// A blob masked before download is read whole: larger ones are refused (not streamed unmasked).
        public var maskedBlobBytes = 256 * 1024 * 1024
        /// Listings are read whole to mask the names in them.
        public var listingBytes = 32 * 1024 * 1024
        /// An upload scanned before it is forwarded (one Put Blob or Put Block) is read whole.
        public var scannedUploadBytes = 256 * 1024 * 1024
        /// Blocks whose edges are kept for their block list's seam scan (at most 2 KiB each).
        public var rememberedBlocks = 65_536
        /// A Put Block List body (50,000 block IDs at most) is read whole.
        public var blockListBytes = 8 * 1024 * 1024
        public var upstreamTimeout: Duration = .seconds(300)
        public init() {}
    }

    /// The connections by name, as last (re)loaded (`reload(connections:)`).
    let table: ConnectionTable<Connection>
    public var connections: [String: Connection] { table.all }
    public var forwarder: HTTPForwarder
    /// Bearer token to principal (the same validation as every other listener).
    public var authenticate: @Sendable (String) async throws -> Principal
    public var recorder: any EventRecorder
    public var engine: MaskingEngine
    public var limits: Limits
    /// `https` when the HTTP listener has TLS: listings name the gateway with it.
    public var listenerScheme: String
    /// The broker held requests wait on: the same one statements, Git, the API and the UI use.
    public var approvals: ApprovalBroker
    /// The page an approver opens for a request.
    public var approvalURL: @Sendable (String) -> String
    /// The kinds of the configured notification targets, recorded with each held request.
    public var notificationKinds: [String]
    let cache: MaskedBlobCache
    let markers = ListingMarkers()
    let uploadedBlocks: UploadedBlockEdges

    public init(connections: [Connection], forwarder: HTTPForwarder, authenticate: @escaping @Sendable (String) async throws -> Principal,
                recorder: any EventRecorder, engine: MaskingEngine, limits: Limits = Limits(), listenerScheme: String = "https",
                approvals: ApprovalBroker = ApprovalBroker(), approvalURL: @escaping @Sendable (String) -> String = { "/ui/approvals/\($0)" },
                notificationKinds: [String] = []) {
        self.listenerScheme = listenerScheme
        self.approvals = approvals
        self.approvalURL = approvalURL
        self.notificationKinds = notificationKinds
        self.table = ConnectionTable(connections, name: \.name)
        self.forwarder = forwarder
        self.authenticate = authenticate
        self.recorder = recorder
        self.engine = engine
        self.limits = limits
        cache = MaskedBlobCache(capacityBytes: 2 * limits.maskedBlobBytes)
        uploadedBlocks = UploadedBlockEdges(capacity: limits.rememberedBlocks)
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let gateway = self
        for method in [HTTPRequest.Method.get, .head, .put, .delete, .post] {
            router.on("/blob/**", method: method) { request, context in await gateway.handle(request, context: context) }
        }
    }

    /// Everything a request needs once the caller is known and allowed.
    struct Call: Sendable {
        let request: BlobRequest
        let connection: Connection
        let principal: Principal
        /// The client's range (`x-ms-range` wins over `Range`, as the service reads them).
        let range: String?
        /// The `Gatehouse-Purpose` header's purpose, shown to approvers.
        let purpose: Purpose?
        /// The blob name as the agent may see it, approvers see it and the ledger stores it
        /// (through the detectors), worked out once per request.
        let displayedBlob: String?
        let sessionID = UUID().uuidString.lowercased()
        let requestID = UUID().uuidString.lowercased()
        let logger: Logger
    }

    public func handle<Context: RequestContext>(_ request: Request, context: Context) async -> Response {
        let requestID = UUID().uuidString.lowercased()
        let path = request.uri.path
        guard let name = BlobRequest.connectionName(of: path) else {
            return Self.error(.invalidURI("not a Blob URL: use /blob/<connection>/<container>/<blob>"), requestID: requestID)
        }
        guard let connection = table[name] else { return Self.error(.unknownConnection(name), requestID: requestID) }
        guard let authorization = request.headers[.authorization] else {
            return Self.error(.authenticationRequired("authentication required: send your OIDC token as a bearer token"), requestID: requestID)
        }
        guard authorization.lowercased().hasPrefix("bearer "), case let token = String(authorization.dropFirst(7)), !token.isEmpty else {
            return Self.error(.authenticationRequired("only bearer tokens are accepted: send your OIDC token, not an account key or SAS"),
                              requestID: requestID)
        }
        let principal: Principal
        do {
            principal = try await authenticate(token.trimmingCharacters(in: .whitespaces))
        } catch {
            await recordRefusedToken(connection: name, reason: "\(error)", clientAddress: ClientAddress.ipAddress(context), logger: context.logger)
            return Self.error(.authenticationFailed("token rejected: \(error)"), requestID: requestID)
        }
        guard ExactIdentifier.sharesAny(principal.groups, connection.allowedGroups) else {
            return Self.error(.forbidden("\(principal.displayName) is not in a group allowed on connection \(name)"), requestID: requestID)
        }
        let blobRequest: BlobRequest
        do {
            blobRequest = try BlobRequest(method: request.method.rawValue, path: path, query: request.uri.query) { name in
                HTTPField.Name(name).flatMap { request.headers[$0] }
            }
        } catch let refusal as BlobRequest.Refusal {
            let activity = BlobActivity(phase: BlobActivity.Phase.request, operation: "unrecognised",
                                        decision: BlobActivity.Decision.refused, reason: refusal.message)
            guard await record(.blob(activity), sessionID: requestID, connection: name, principal: principal, logger: context.logger) else {
                return Self.error(Self.notRecorded, requestID: requestID)
            }
            let error: BlobServiceError = refusal.kind == .invalidPath ? .invalidURI(refusal.message) : .operationNotAllowed(refusal.message)
            return Self.error(error, requestID: requestID)
        } catch {
            return Self.error(.invalidURI("\(error)"), requestID: requestID)
        }
        let call = Call(request: blobRequest, connection: connection, principal: principal,
                        range: request.headers[Self.msRange] ?? request.headers[.range],
                        purpose: Purpose.fromHeader(request.headers[HTTPField.Name("Gatehouse-Purpose")!]),
                        displayedBlob: blobRequest.blob.map { engine.mask($0).text }, logger: context.logger)
        if let refusal = permissionRefusal(call) {
            guard await record(requestActivity(call, decision: BlobActivity.Decision.refused, reason: refusal), call) else {
                return Self.error(Self.notRecorded, requestID: call.requestID)
            }
            return Self.error(.operationNotAllowed(refusal), requestID: call.requestID)
        }
        switch blobRequest.operation {
        case .listContainers, .listBlobs: return await listing(request, call)
        case .getBlob, .blobProperties: return await read(request, call)
        case .putBlob, .putBlock: return await upload(request, call)
        case .putBlockList: return await commitBlockList(request, call)
        case .containerProperties, .createContainer, .deleteContainer, .deleteBlob:
            return await passThrough(request, call)
        }
    }

    /// Why the connection's rules refuse this operation for this caller, or nil.
    func permissionRefusal(_ call: Call) -> String? {
        let operation = call.request.operation
        guard call.connection.operations.contains(operation) else {
            return "\(operation.rawValue) is not allowed on connection \(call.connection.name)"
        }
        if operation.isWrite && !ExactIdentifier.sharesAny(call.principal.groups, call.connection.readWriteGroups) {
            return "\(call.principal.displayName) may only read on connection \(call.connection.name) (\(operation.rawValue) writes)"
        }
        return nil
    }

    static let msRange = HTTPField.Name("x-ms-range")!
    static let notRecorded = BlobServiceError(status: 503, code: "ServerBusy",
                                              message: "the request could not be recorded in the evidence ledger, so it was not forwarded")

    /// A service-style error response (`x-ms-error-code`, XML body).
    static func error(_ error: BlobServiceError, requestID: String) -> Response {
        let body = error.body(requestID: requestID)
        let headers: HTTPFields = [
            .contentType: "application/xml", HTTPField.Name("x-ms-error-code")!: error.code,
            HTTPField.Name("x-ms-request-id")!: requestID, .cacheControl: "no-store",
        ]
        return Response(status: HTTPResponse.Status(code: error.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

extension BlobGateway {
    /// Takes a reloaded configuration's connections: requests that arrive from now on use them.
    public func reload(connections: [Connection]) {
        table.replace(with: connections, name: \.name)
    }
}
