import Foundation

/// Approval requests and time-boxed grants shared by several gateway instances (the PostgreSQL
/// store, docs/deployment.md). Each broker still holds its own waiting requests in memory; here
/// it publishes them, every instance's approvers decide on them (one decision at a time per
/// request), and every instance hears of each change. A request's exact statement text never
/// leaves the instance holding it: the store sees what approvers see.
public protocol SharedApprovals: AnyObject, Sendable {
    /// This instance's name; the requests it holds carry it.
    var instance: String { get }

    /// Connects and starts listening. `changes` hears (on the store's own thread) every request
    /// as stored after any instance changed it, and every time-boxed grant stored; after the
    /// store was out of reach it hears the whole state again. Returns what is stored now.
    func start(_ changes: SharedApprovalChanges) throws -> SharedApprovalSnapshot

    /// Stores a request this instance holds. Queued: stored before any later write of this
    /// instance, without making the caller wait.
    func publish(_ request: ApprovalRequest)

    /// Stores how this instance ended a request it holds (expired or cancelled); queued.
    func settle(_ request: ApprovalRequest)

    /// Applies `change` to the stored request under a lock on it, stores the result (also when
    /// `change` refuses after changing it: a late decision expires the request) and the
    /// time-boxed grant it made, and tells every instance. `unavailable` when the store cannot.
    func decide(
        requestID: String,
        _ change: @escaping @Sendable (inout ApprovalRequest) throws(ApprovalRefusal) -> ApprovalDecisionOutcome
    ) async throws(ApprovalRefusal) -> (stored: SharedApprovalRequest, outcome: ApprovalDecisionOutcome)

    func close()
}

/// A request as the store holds it: the request (without its statement text), which instance
/// holds it, and the grant its approval made (a one-time grant's text left empty).
public struct SharedApprovalRequest: Sendable, Hashable, Codable {
    public var request: ApprovalRequest
    public var holder: String
    public var grant: ApprovalGrant?

    public init(request: ApprovalRequest, holder: String, grant: ApprovalGrant? = nil) {
        var stored = request
        stored.statementText = ""
        self.request = stored
        self.holder = holder
        self.grant = grant
    }
}

/// What the store holds when an instance starts or listens again.
public struct SharedApprovalSnapshot: Sendable {
    /// Requests still pending, every holder's.
    public var pending: [SharedApprovalRequest]
    /// Time-boxed grants not yet expired.
    public var grants: [ApprovalGrant]

    public init(pending: [SharedApprovalRequest], grants: [ApprovalGrant]) {
        self.pending = pending
        self.grants = grants
    }
}

/// Where a shared store reports what changed.
public struct SharedApprovalChanges: Sendable {
    public var request: @Sendable (SharedApprovalRequest) -> Void
    public var grant: @Sendable (ApprovalGrant) -> Void
    /// The IDs of the requests this instance is waiting on: looked up again after the store was
    /// out of reach, since their decisions may have been missed.
    public var waitingIDs: @Sendable () -> [String]

    public init(request: @escaping @Sendable (SharedApprovalRequest) -> Void, grant: @escaping @Sendable (ApprovalGrant) -> Void,
                waitingIDs: @escaping @Sendable () -> [String]) {
        self.request = request
        self.grant = grant
        self.waitingIDs = waitingIDs
    }
}

extension ApprovalGrant {
    /// The grant for the holder's own statement: a one-time grant from the store names no text
    /// (it never leaves the holder), so the holder puts its statement's back.
    public func bound(toStatement text: String) -> ApprovalGrant {
        var grant = self
        switch coverage {
        case .oneTime: grant.coverage = .oneTime(statementText: text)
        case .gitRequest(_, let repository): grant.coverage = .gitRequest(requestText: text, repository: repository)
        case .blobRequest(_, let blob): grant.coverage = .blobRequest(requestText: text, blob: blob)
        case .podRequest(_, let pod): grant.coverage = .podRequest(requestText: text, pod: pod)
        case .timeBoxed, .gitRepositories, .blobPrefixes, .podNamespaces: break
        }
        return grant
    }
}
