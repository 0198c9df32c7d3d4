import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy
import Testing

/// Collects what a broker reports, from any thread.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value] = []
    func append(_ value: Value) { lock.lock(); storage.append(value); lock.unlock() }
    var values: [Value] { lock.lock(); defer { lock.unlock() }; return storage }
}

@Suite struct ApprovalBrokerTests {
    let transitions = Recorder<ApprovalTransition>()
    let resolutions = Recorder<ApprovalResolution>()

    func broker() -> ApprovalBroker {
        let transitions = transitions
        return ApprovalBroker(onTransition: { transitions.append($0) })
    }

    func submit(_ request: ApprovalRequest, to broker: ApprovalBroker) {
        let resolutions = resolutions
        broker.submit(request) { resolutions.append($0) }
    }

    @Test func approvalResolvesTheWaiterAtOnceAndTheGrantIsUsedOnce() throws {
        let broker = broker()
        let request = Fixture.request()
        submit(request, to: broker)
        #expect(broker.pending().map(\.id) == [request.id])

        try broker.decide(requestID: request.id, by: Fixture.bob, approve: true, reason: "ok", grant: .oneTime,
                          now: Fixture.at(5), rules: Fixture.rules())
        // Resolved synchronously by `decide`: no polling.
        guard case .approved(let grant) = resolutions.values.first else {
            Issue.record("expected approval, got \(resolutions.values)"); return
        }
        #expect(broker.pending().isEmpty)
        #expect(broker.request(request.id)?.state == .approved)

        let used = broker.coveringGrant(principal: Fixture.requester, connection: "shop", statementText: request.statementText,
                                        scope: request.scope, now: Fixture.at(5))
        #expect(used == grant)
        #expect(broker.coveringGrant(principal: Fixture.requester, connection: "shop", statementText: request.statementText,
                                     scope: request.scope, now: Fixture.at(6)) == nil)

        let steps = transitions.values.map(Step.init)
        #expect(steps == [.requested, .approved, .grantUsed])
        if case .approved(let snapshot, let approver, let reason, let reported) = transitions.values[1] {
            #expect(snapshot.state == .approved)
            #expect(approver.subject == "bob")
            #expect(reason == "ok")
            #expect(reported == grant)
        }
    }

    @Test func waitersAreResolvedExactlyOnce() throws {
        let broker = broker()
        let request = Fixture.request()
        submit(request, to: broker)
        try broker.decide(requestID: request.id, by: Fixture.bob, approve: false, reason: "no", grant: .oneTime,
                          now: Fixture.at(1), rules: Fixture.rules())
        #expect(throws: ApprovalRefusal.notPending(.denied)) {
            try broker.decide(requestID: request.id, by: Fixture.carol, approve: true, reason: nil, grant: .oneTime,
                              now: Fixture.at(2), rules: Fixture.rules())
        }
        #expect(!broker.cancel(request.id))
        #expect(broker.expireDue(now: Fixture.at(120)).isEmpty)
        #expect(resolutions.values.count == 1)
        #expect(transitions.values.map(Step.init) == [.requested, .denied])
    }

    @Test func concurrentDecisionsAndCancelsResolveOnce() async {
        let broker = broker()
        let requests = (0..<50).map { _ in Fixture.request() }
        requests.forEach { submit($0, to: broker) }
        await withTaskGroup(of: Void.self) { group in
            for request in requests {
                group.addTask { _ = try? broker.decide(requestID: request.id, by: Fixture.bob, approve: true, reason: nil,
                                                       grant: .oneTime, now: Fixture.at(1), rules: Fixture.rules()) }
                group.addTask { broker.cancel(request.id) }
                group.addTask { _ = try? broker.decide(requestID: request.id, by: Fixture.carol, approve: false, reason: nil,
                                                       grant: .oneTime, now: Fixture.at(1), rules: Fixture.rules()) }
            }
        }
        #expect(resolutions.values.count == requests.count)
        #expect(broker.pending().isEmpty)
    }

    @Test func partialApprovalsAreReportedAndKeepTheRequestPending() throws {
        let broker = broker()
        let request = Fixture.request()
        submit(request, to: broker)
        let rules = Fixture.rules(minimumApprovals: 2)
        #expect(try broker.decide(requestID: request.id, by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                                  now: Fixture.at(1), rules: rules) == .awaitingMoreApprovals(remaining: 1))
        #expect(resolutions.values.isEmpty)
        #expect(broker.request(request.id)?.decisions.count == 1)
        try broker.decide(requestID: request.id, by: Fixture.carol, approve: true, reason: nil, grant: .oneTime,
                          now: Fixture.at(2), rules: rules)
        #expect(resolutions.values.count == 1)
        #expect(transitions.values.map(Step.init) == [.requested, .approvalCounted, .approved])
    }

    @Test func refusedDecisionsChangeNothing() {
        let broker = broker()
        let request = Fixture.request()
        submit(request, to: broker)
        #expect(throws: ApprovalRefusal.selfApproval) {
            try broker.decide(requestID: request.id, by: Fixture.requester, approve: true, reason: nil, grant: .oneTime,
                              now: Fixture.at(1), rules: Fixture.rules())
        }
        #expect(throws: ApprovalRefusal.notAnApprover(approverGroups: ["dpo"])) {
            try broker.decide(requestID: request.id, by: Fixture.outsider, approve: true, reason: nil, grant: .oneTime,
                              now: Fixture.at(1), rules: Fixture.rules())
        }
        #expect(throws: ApprovalRefusal.unknownRequest("apr_0000000000000000")) {
            try broker.decide(requestID: "apr_0000000000000000", by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                              now: Fixture.at(1), rules: Fixture.rules())
        }
        #expect(resolutions.values.isEmpty)
        #expect(broker.pending().count == 1)
        #expect(transitions.values.map(Step.init) == [.requested])
    }

    @Test func dueRequestsExpireAndTheirWaitersHear() {
        let broker = broker()
        let early = Fixture.request()
        var late = Fixture.request()
        late.deadline = Fixture.at(120)
        submit(early, to: broker)
        submit(late, to: broker)
        #expect(broker.expireDue(now: Fixture.at(59)).isEmpty)
        #expect(broker.expireDue(now: Fixture.at(60)).map(\.id) == [early.id])
        #expect(resolutions.values == [.expired])
        #expect(broker.request(early.id)?.state == .expired)
        #expect(broker.pending().map(\.id) == [late.id])
    }

    @Test func aLateDecisionExpiresTheRequestAndIsRefused() {
        let broker = broker()
        let request = Fixture.request()
        submit(request, to: broker)
        #expect(throws: ApprovalRefusal.expired(deadline: Fixture.at(60))) {
            try broker.decide(requestID: request.id, by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                              now: Fixture.at(61), rules: Fixture.rules())
        }
        #expect(resolutions.values == [.expired])
        #expect(transitions.values.map(Step.init) == [.requested, .expired])
    }

    @Test func cancelResolvesTheWaiterAsCancelled() {
        let broker = broker()
        let request = Fixture.request()
        submit(request, to: broker)
        #expect(broker.cancel(request.id))
        #expect(resolutions.values == [.cancelled])
        #expect(broker.request(request.id)?.state == .cancelled)
        #expect(transitions.values.map(Step.init) == [.requested, .cancelled])
    }

    @Test func aTimeBoxedGrantCoversLaterStatementsAndEachUseIsReported() throws {
        let broker = broker()
        let request = Fixture.request()
        submit(request, to: broker)
        try broker.decide(requestID: request.id, by: Fixture.bob, approve: true, reason: nil, grant: .timeBoxed(minutes: 5),
                          now: Fixture.at(1), rules: Fixture.rules())
        for second in [2.0, 100, 300] {
            #expect(broker.coveringGrant(principal: Fixture.requester, connection: "shop", statementText: "SELECT id FROM customers",
                                         scope: Fixture.scope(), now: Fixture.at(second)) != nil)
        }
        #expect(broker.coveringGrant(principal: Fixture.requester, connection: "shop", statementText: "SELECT id FROM customers",
                                     scope: Fixture.scope(), now: Fixture.at(301)) == nil)
        #expect(broker.activeGrants(now: Fixture.at(301)).isEmpty)
        #expect(transitions.values.map(Step.init) == [.requested, .approved, .grantUsed, .grantUsed, .grantUsed])
    }

    @Test func waitersMayCallBackIntoTheBroker() throws {
        let broker = broker()
        let request = Fixture.request()
        let used = Recorder<ApprovalGrant?>()
        broker.submit(request) { resolution in
            // The gateway's path: approved → use the grant → forward. No deadlock.
            guard case .approved = resolution else { return }
            used.append(broker.coveringGrant(principal: Fixture.requester, connection: "shop",
                                             statementText: request.statementText, scope: request.scope, now: Fixture.at(2)))
        }
        try broker.decide(requestID: request.id, by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                          now: Fixture.at(1), rules: Fixture.rules())
        #expect(used.values.count == 1)
        #expect(used.values.first??.requestID == request.id)
    }
}

/// A transition's name, for comparing sequences.
enum Step: Equatable {
    case requested, approvalCounted, approved, denied, expired, cancelled, grantUsed

    init(_ transition: ApprovalTransition) {
        switch transition {
        case .requested: self = .requested
        case .approvalCounted: self = .approvalCounted
        case .approved: self = .approved
        case .denied: self = .denied
        case .expired: self = .expired
        case .cancelled: self = .cancelled
        case .grantUsed: self = .grantUsed
        }
    }
}

@Suite struct PendingRequestLimitTests {
    @Test func onePersonMayHaveAtMostTheLimitWaiting() {
        let broker = ApprovalBroker(maxPendingPerPerson: 2)
        #expect(broker.hasRoomForAnotherRequest(from: Fixture.requester))
        let first = Fixture.request()
        broker.submit(first) { _ in }
        broker.submit(Fixture.request()) { _ in }
        #expect(!broker.hasRoomForAnotherRequest(from: Fixture.requester))
        // Another person has room of their own; a finished request frees a place.
        #expect(broker.hasRoomForAnotherRequest(from: Fixture.bob))
        broker.cancel(first.id)
        #expect(broker.hasRoomForAnotherRequest(from: Fixture.requester))
        #expect(broker.tooManyPendingMessage.hasPrefix("you already have 2 approval requests waiting"))
    }
}
