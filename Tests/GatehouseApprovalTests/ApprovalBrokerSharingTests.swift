import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy
import Testing

/// The store's contract kept in memory, so the brokers' side of sharing is tested without
/// sockets: one lock stands for the row lock, and every change is heard by every broker. The
/// PostgreSQL store itself is tested with real servers (tests/integration/test_shared_approvals.py).
final class MemorySharedApprovals: SharedApprovals, @unchecked Sendable {
    final class Table: @unchecked Sendable {
        let lock = NSLock()
        var requests: [String: SharedApprovalRequest] = [:]
        var grants: [ApprovalGrant] = []
        var listeners: [SharedApprovalChanges] = []
        /// While false, writes fail as an unreachable store's would.
        var reachable = true

        func announce(_ stored: SharedApprovalRequest, grant: ApprovalGrant? = nil) {
            let listeners = lock.withLock { self.listeners }
            for listener in listeners {
                if let grant { listener.grant(grant) }
                listener.request(stored)
            }
        }
    }

    let instance: String
    let table: Table

    init(instance: String, table: Table) {
        self.instance = instance
        self.table = table
    }

    func start(_ changes: SharedApprovalChanges) throws -> SharedApprovalSnapshot {
        table.lock.withLock {
            table.listeners.append(changes)
            return SharedApprovalSnapshot(pending: table.requests.values.filter { $0.request.state == .pending },
                                          grants: table.grants)
        }
    }

    func publish(_ request: ApprovalRequest) {
        let stored: SharedApprovalRequest? = table.lock.withLock {
            if let existing = table.requests[request.id] {
                guard existing.request.state == .pending else { return nil }
                var ended = existing
                ended.request.state = request.state
                table.requests[request.id] = ended
                return ended
            }
            let stored = SharedApprovalRequest(request: request, holder: instance)
            table.requests[request.id] = stored
            return stored
        }
        if let stored { table.announce(stored) }
    }

    func settle(_ request: ApprovalRequest) { publish(request) }

    func decide(
        requestID: String,
        _ change: @escaping @Sendable (inout ApprovalRequest) throws(ApprovalRefusal) -> ApprovalDecisionOutcome
    ) async throws(ApprovalRefusal) -> (stored: SharedApprovalRequest, outcome: ApprovalDecisionOutcome) {
        let result: Result<(SharedApprovalRequest, ApprovalDecisionOutcome, ApprovalGrant?), ApprovalRefusal> = table.lock.withLock {
            guard table.reachable else { return .failure(.storeUnavailable("unreachable")) }
            guard var stored = table.requests[requestID] else { return .failure(.unknownRequest(requestID)) }
            do throws(ApprovalRefusal) {
                let outcome = try change(&stored.request)
                var shared: ApprovalGrant?
                if case .approved(let grant) = outcome {
                    stored.grant = grant
                    if !grant.isOneTime { table.grants.append(grant); shared = grant }
                }
                table.requests[requestID] = stored
                return .success((stored, outcome, shared))
            } catch {
                table.requests[requestID] = stored  // a late decision expires it
                return .failure(error)
            }
        }
        switch result {
        case .success(let (stored, outcome, grant)):
            table.announce(stored, grant: grant)
            return (stored, outcome)
        case .failure(let refusal):
            if let stored = table.lock.withLock({ table.requests[requestID] }) { table.announce(stored) }
            throw refusal
        }
    }

    func close() {}
}

@Suite struct ApprovalBrokerSharingTests {
    let table = MemorySharedApprovals.Table()
    let transitionsOnA = Recorder<ApprovalTransition>()
    let resolutionsOnA = Recorder<ApprovalResolution>()

    func brokers() throws -> (a: ApprovalBroker, b: ApprovalBroker) {
        let transitions = transitionsOnA
        let a = ApprovalBroker(shared: MemorySharedApprovals(instance: "a", table: table), onTransition: { transitions.append($0) })
        let b = ApprovalBroker(shared: MemorySharedApprovals(instance: "b", table: table))
        #expect(try a.startSharing().isEmpty)
        #expect(try b.startSharing().isEmpty)
        return (a, b)
    }

    func hold(_ request: ApprovalRequest, on broker: ApprovalBroker) {
        let resolutions = resolutionsOnA
        broker.submit(request) { resolutions.append($0) }
    }

    @Test func aRequestHeldOnOneInstanceIsApprovedOnAnotherAndTheHolderGetsAGrantForItsOwnText() async throws {
        let (a, b) = try brokers()
        let request = Fixture.request(text: "SELECT email FROM customers WHERE email = 'ann@example.com'")
        hold(request, on: a)
        #expect(b.pending().map(\.id) == [request.id])
        // The store never sees the exact text: a one-time grant made elsewhere names none.
        #expect(table.requests[request.id]?.request.statementText == "")

        let outcome = try await b.decision(on: request.id, by: Fixture.bob, approve: true, reason: "ok", grant: .oneTime,
                                           now: Fixture.at(5), rules: Fixture.rules())
        guard case .approved(let madeOnB) = outcome, case .approved(let grant) = resolutionsOnA.values.first else {
            Issue.record("expected an approval, got \(outcome) and \(resolutionsOnA.values)"); return
        }
        #expect(madeOnB.coverage == .oneTime(statementText: ""))
        #expect(grant.coverage == .oneTime(statementText: request.statementText))
        #expect(transitionsOnA.values.map(Step.init) == [.requested, .approved])
        #expect(a.request(request.id)?.state == .approved && b.request(request.id)?.state == .approved)
        #expect(b.pending().isEmpty)
        // The one-time grant is the holder's alone: b cannot spend it.
        #expect(b.coveringGrant(principal: Fixture.requester, connection: "shop", statementText: request.statementText,
                                scope: request.scope, now: Fixture.at(6)) == nil)
        #expect(a.coveringGrant(principal: Fixture.requester, connection: "shop", statementText: request.statementText,
                                scope: request.scope, now: Fixture.at(6)) == grant)

        // Heard again (the store tells every instance, the decider too): nothing happens twice.
        table.announce(table.requests[request.id]!)
        #expect(resolutionsOnA.values.count == 1)
        #expect(transitionsOnA.values.count == 3)  // requested, approved, grantUsed
    }

    @Test func aTimeBoxedGrantMadeAnywhereCoversStatementsEverywhere() async throws {
        let (a, b) = try brokers()
        let request = Fixture.request()
        hold(request, on: a)
        try await b.decision(on: request.id, by: Fixture.bob, approve: true, reason: nil, grant: .timeBoxed(minutes: 10),
                             now: Fixture.at(5), rules: Fixture.rules())
        let other = "SELECT name FROM customers"
        for broker in [a, b] {
            #expect(broker.coveringGrant(principal: Fixture.requester, connection: "shop", statementText: other,
                                         scope: Fixture.scope(), now: Fixture.at(60))?.requestID == request.id)
            #expect(broker.coveringGrant(principal: Fixture.outsider, connection: "shop", statementText: other,
                                         scope: Fixture.scope(), now: Fixture.at(60)) == nil)
        }
        // An instance started afterwards finds it in the store.
        let late = ApprovalBroker(shared: MemorySharedApprovals(instance: "c", table: table))
        _ = try late.startSharing()
        #expect(late.activeGrants(now: Fixture.at(60)).map(\.requestID) == [request.id])
    }

    @Test func aDenialOrALateDecisionElsewhereResolvesTheHolderOnce() async throws {
        let (a, b) = try brokers()
        let denied = Fixture.request()
        hold(denied, on: a)
        try await b.decision(on: denied.id, by: Fixture.bob, approve: false, reason: "no", grant: .oneTime,
                             now: Fixture.at(1), rules: Fixture.rules())
        await #expect(throws: ApprovalRefusal.notPending(.denied)) {
            try await b.decision(on: denied.id, by: Fixture.carol, approve: true, reason: nil, grant: .oneTime,
                                 now: Fixture.at(2), rules: Fixture.rules())
        }
        let late = Fixture.request()
        hold(late, on: a)
        await #expect(throws: ApprovalRefusal.expired(deadline: late.deadline)) {
            try await b.decision(on: late.id, by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                                 now: Fixture.at(61), rules: Fixture.rules())
        }
        #expect(resolutionsOnA.values.count == 2)
        guard case .denied(let decision) = resolutionsOnA.values[0], case .expired = resolutionsOnA.values[1] else {
            Issue.record("expected denied then expired, got \(resolutionsOnA.values)"); return
        }
        #expect(decision.approver.subject == "bob" && decision.reason == "no")
        // a's own clock comes later and finds nothing left to expire.
        #expect(a.expireDue(now: Fixture.at(120)).isEmpty)
    }

    @Test func partialApprovalsCountAcrossInstances() async throws {
        let (a, b) = try brokers()
        let request = Fixture.request()
        hold(request, on: a)
        let rules = Fixture.rules(minimumApprovals: 2)
        #expect(try await b.decision(on: request.id, by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                                     now: Fixture.at(1), rules: rules) == .awaitingMoreApprovals(remaining: 1))
        #expect(resolutionsOnA.values.isEmpty && a.request(request.id)?.decisions.count == 1)
        // The same approver through the other instance does not count twice.
        await #expect(throws: ApprovalRefusal.alreadyApproved) {
            try await a.decision(on: request.id, by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                                 now: Fixture.at(2), rules: rules)
        }
        try await a.decision(on: request.id, by: Fixture.carol, approve: true, reason: nil, grant: .oneTime,
                             now: Fixture.at(3), rules: rules)
        #expect(resolutionsOnA.values.count == 1)
        #expect(a.request(request.id)?.approvers.map(\.subject) == ["bob", "carol"])
    }

    @Test func aRestartedHolderCancelsWhatItHeldAndOthersKeepTheirs() async throws {
        let (a, b) = try brokers()
        let mine = Fixture.request()
        hold(mine, on: a)
        let theirs = Fixture.request(requester: Fixture.carol)
        b.submit(theirs) { _ in }
        // a comes back: a new broker under the same instance name.
        let restarted = ApprovalBroker(shared: MemorySharedApprovals(instance: "a", table: table))
        #expect(try restarted.startSharing().map(\.id) == [mine.id])
        #expect(table.requests[mine.id]?.request.state == .cancelled)
        #expect(b.request(mine.id)?.state == .cancelled && !b.pending().contains { $0.id == mine.id })
        #expect(restarted.pending().map(\.id) == [theirs.id])
        #expect(table.requests[theirs.id]?.request.state == .pending)
    }

    @Test func anUnreachableStoreDecidesNothing() async throws {
        let (a, b) = try brokers()
        let request = Fixture.request()
        hold(request, on: a)
        table.reachable = false
        await #expect(throws: ApprovalRefusal.storeUnavailable("unreachable")) {
            try await b.decision(on: request.id, by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                                 now: Fixture.at(1), rules: Fixture.rules())
        }
        #expect(resolutionsOnA.values.isEmpty && a.pending().map(\.id) == [request.id])
        // A shared broker never decides in its own memory alone.
        #expect(throws: ApprovalRefusal.self) {
            try a.decide(requestID: request.id, by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                         now: Fixture.at(1), rules: Fixture.rules())
        }
    }
}
