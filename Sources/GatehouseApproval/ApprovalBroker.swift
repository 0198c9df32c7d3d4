import Foundation
import GatehouseCore
import GatehousePolicy

/// Holds pending approval requests and the grants they yield, for all connections.
///
/// Thread-safe (one lock). Waiters and the transition observer are called synchronously by
/// whichever call resolved the request (`decide`, `expireDue`, `cancel`), never with the lock
/// held, so they may call back into the broker. A waiter is called exactly once. The observer
/// sees a request's transition before its waiter is resolved, and an approval before the
/// grant can be used, so evidence stays in causal order.
///
/// With a shared store (several instances, `ApprovalBroker+Sharing.swift`) the requests this
/// instance holds are published there, decisions are taken there, and the broker also lists
/// the requests other instances hold and uses the time-boxed grants any instance made.
public final class ApprovalBroker: @unchecked Sendable {
    struct Waiting {
        var request: ApprovalRequest
        let onResolution: @Sendable (ApprovalResolution) -> Void
    }

    private let lock = NSLock()
    let onTransition: @Sendable (ApprovalTransition) -> Void
    private let finishedLimit: Int
    var waiting: [String: Waiting] = [:]
    /// Recently finished requests, so that late decisions get a precise refusal (bounded).
    private var finished: [String: ApprovalRequest] = [:]
    private var finishedOrder: [String] = []
    var grants = GrantBook()
    /// Where requests and grants are shared with other instances (nil: this instance alone).
    let shared: SharedApprovals?
    /// Pending requests other instances hold (shared store only).
    var elsewhere: [String: ApprovalRequest] = [:]

    /// Requests one person may have waiting at once, over all connections and protocols.
    public static let defaultMaxPendingPerPerson = 10
    public let maxPendingPerPerson: Int

    /// - Parameter finishedLimit: how many finished requests `request(_:)` still answers for.
    public init(finishedLimit: Int = 1000, maxPendingPerPerson: Int = defaultMaxPendingPerPerson, shared: SharedApprovals? = nil,
                onTransition: @escaping @Sendable (ApprovalTransition) -> Void = { _ in }) {
        self.finishedLimit = finishedLimit
        self.maxPendingPerPerson = maxPendingPerPerson
        self.shared = shared
        self.onTransition = onTransition
    }

    /// Whether `requester` may put another request to the approvers: an agent cannot bury them
    /// (and the ledger) under requests. Checked before the request is recorded, so requests
    /// arriving at the same instant from several sessions can pass it together.
    public func hasRoomForAnotherRequest(from requester: Principal) -> Bool {
        locked {
            let mine = waiting.values.lazy.filter { $0.request.requester.isSamePerson(as: requester) }.count
            return mine + elsewhere.values.lazy.filter { $0.requester.isSamePerson(as: requester) }.count < maxPendingPerPerson
        }
    }

    /// What a requester beyond the limit is told.
    public var tooManyPendingMessage: String {
        "you already have \(maxPendingPerPerson) approval requests waiting for a decision; wait for them to be decided or expire, "
            + "or cancel one (closing its session cancels it)"
    }

    /// Holds a request until it is decided, expires or is cancelled; `onResolution` is then
    /// called once. The `requested` transition is reported before anyone can decide.
    public func submit(_ request: ApprovalRequest, onResolution: @escaping @Sendable (ApprovalResolution) -> Void) {
        onTransition(.requested(request))
        locked { waiting[request.id] = Waiting(request: request, onResolution: onResolution) }
        shared?.publish(request)
    }

    /// An approver's decision on a pending request (see `ApprovalRequest.decide` for the rules),
    /// taken in this instance's memory; with a shared store decisions go through
    /// `decision(on:...)`, which the API and the web UI use either way. A decision after the
    /// deadline expires the request (resolving its waiter) and is refused.
    @discardableResult
    public func decide(
        requestID: String, by approver: Principal, approve: Bool, reason: String?, grant: GrantChoice,
        now: Date, rules: ApprovalRules
    ) throws(ApprovalRefusal) -> ApprovalDecisionOutcome {
        guard shared == nil else { throw .storeUnavailable("a broker with a shared store decides through it") }
        let step: DecideStep = locked {
            guard var entry = waiting[requestID] else {
                if let request = finished[requestID] { return .refused(.notPending(request.state), expired: nil) }
                return .refused(.unknownRequest(requestID), expired: nil)
            }
            do throws(ApprovalRefusal) {
                let outcome = try entry.request.decide(
                    by: approver, approve: approve, reason: reason, grant: grant, now: now, rules: rules)
                if case .awaitingMoreApprovals = outcome { waiting[requestID] = entry } else { finish(entry.request) }
                return .decided(outcome, entry)
            } catch {
                // A late decision expires the request: its waiter must hear so, whoever noticed.
                guard entry.request.state == .expired else { return .refused(error, expired: nil) }
                finish(entry.request)
                return .refused(error, expired: entry)
            }
        }
        switch step {
        case .refused(let refusal, let expired):
            if let expired {
                onTransition(.expired(expired.request))
                expired.onResolution(.expired)
            }
            throw refusal
        case .decided(let outcome, let entry):
            switch outcome {
            case .awaitingMoreApprovals(let remaining):
                onTransition(.approvalCounted(entry.request, approver: approver, reason: reason, remaining: remaining))
            case .approved(let given):
                onTransition(.approved(entry.request, approver: approver, reason: reason, grant: given))
                // Only now can the grant be used, so `grantUsed` never precedes `approved`.
                locked { grants.add(given) }
                entry.onResolution(.approved(given))
            case .denied(let decision):
                onTransition(.denied(entry.request, approver: approver, reason: reason))
                entry.onResolution(.denied(decision))
            }
            return outcome
        }
    }

    private enum DecideStep {
        case refused(ApprovalRefusal, expired: Waiting?)
        case decided(ApprovalDecisionOutcome, Waiting)
    }

    /// Expires every pending request whose deadline has come, and forgets expired grants.
    /// Returns the expired requests.
    @discardableResult
    public func expireDue(now: Date) -> [ApprovalRequest] {
        let due: [Waiting] = locked {
            grants.dropExpired(now: now)
            // Another instance's request past its deadline: its holder expires it (or is gone).
            elsewhere = elsewhere.filter { now < $0.value.deadline }
            let ids = waiting.values.filter { now >= $0.request.deadline }.map(\.request.id)
            return ids.compactMap { id in
                guard var entry = waiting.removeValue(forKey: id) else { return nil }
                entry.request.expire(now: now)
                finish(entry.request)
                return entry
            }
        }
        for entry in due.sorted(by: { $0.request.createdAt < $1.request.createdAt }) {
            shared?.settle(entry.request)
            onTransition(.expired(entry.request))
            entry.onResolution(.expired)
        }
        return due.map(\.request)
    }

    /// Cancels a pending request (the client went away). Returns whether it was pending.
    @discardableResult
    public func cancel(_ requestID: String) -> Bool {
        let cancelled: Waiting? = locked {
            guard var entry = waiting.removeValue(forKey: requestID) else { return nil }
            entry.request.cancel()
            finish(entry.request)
            return entry
        }
        guard let cancelled else { return false }
        shared?.settle(cancelled.request)
        onTransition(.cancelled(cancelled.request))
        cancelled.onResolution(.cancelled)
        return true
    }

    /// The pending requests (every instance's, with a shared store), oldest first.
    public func pending() -> [ApprovalRequest] {
        locked { waiting.values.map(\.request) + elsewhere.values }.sorted { $0.createdAt < $1.createdAt }
    }

    /// A pending or recently finished request.
    public func request(_ requestID: String) -> ApprovalRequest? {
        locked { waiting[requestID]?.request ?? elsewhere[requestID] ?? finished[requestID] }
    }

    /// The grants in force at `now`.
    public func activeGrants(now: Date) -> [ApprovalGrant] {
        locked { grants.grants.filter { now < $0.expiresAt } }
    }

    /// Finds a grant that lets the statement proceed and uses it (a one-time grant is used up),
    /// reporting `grantUsed`. The gateway calls this for every statement that needs approval,
    /// before holding it, and for a held statement once it is approved. `scope` is the
    /// statement's `ApprovalNeed.scope`. `spendingOneTime: false` uses a one-time grant without
    /// spending it (a Git fetch's negotiation round that does not end the fetch).
    public func coveringGrant(
        principal: Principal, connection: String, statementText: String, scope: ApprovalScope, now: Date,
        spendingOneTime: Bool = true
    ) -> ApprovalGrant? {
        let used = locked {
            grants.dropExpired(now: now)
            return grants.use(principal: principal, connection: connection, statementText: statementText, scope: scope, now: now,
                              spendingOneTime: spendingOneTime)
        }
        if let used { onTransition(.grantUsed(used, requestID: used.requestID)) }
        return used
    }

    // MARK: - Under the lock

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Moves a request out of `waiting` (or `elsewhere`) into the bounded `finished` list.
    func finish(_ request: ApprovalRequest) {
        waiting.removeValue(forKey: request.id)
        elsewhere.removeValue(forKey: request.id)
        if finished.updateValue(request, forKey: request.id) == nil { finishedOrder.append(request.id) }
        while finishedOrder.count > finishedLimit { finished.removeValue(forKey: finishedOrder.removeFirst()) }
    }
}
