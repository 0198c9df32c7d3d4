import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy
import Testing

@Suite struct ApprovalRequestTests {
    /// The refusal a decision threw (nil if it went through).
    func refusal(_ body: () throws -> Void) -> ApprovalRefusal? {
        do { try body(); return nil } catch { return error as? ApprovalRefusal }
    }

    @Test func aNewRequestIsPendingWithAnIDAndADeadline() {
        let request = Fixture.request()
        #expect(request.state == .pending)
        #expect(request.id.hasPrefix("apr_"))
        #expect(request.id.count == 20)
        #expect(request.id.dropFirst(4).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(request.id != Fixture.request().id)
        #expect(request.deadline == Fixture.at(60))
        #expect(request.relations == [Fixture.customers])
        #expect(request.categories == ["contact"])
    }

    @Test func approvalByAnApproverApprovesWithTheChosenGrant() throws {
        var request = Fixture.request()
        let outcome = try request.decide(by: Fixture.bob, approve: true, reason: "ticket checked", grant: .oneTime,
                                         now: Fixture.at(5), rules: Fixture.rules())
        guard case .approved(let grant) = outcome else { Issue.record("expected approval, got \(outcome)"); return }
        #expect(request.state == .approved)
        #expect(grant.coverage == .oneTime(statementText: request.statementText))
        #expect(grant.id == "grt_" + request.id.dropFirst(4))
        #expect(grant.approvers.map(\.subject) == ["bob"])
        #expect(request.decisions.first?.reason == "ticket checked")
    }

    @Test func theRequesterCannotApproveTheirOwnRequest() {
        // Even when the requester is an approver, and even with another token (other groups).
        let selfAsApprover = Principal(subject: Fixture.requester.subject, issuer: Fixture.issuer, groups: ["dpo"])
        var request = Fixture.request()
        let error = refusal { _ = try request.decide(by: selfAsApprover, approve: true, reason: nil, grant: .oneTime,
                                                    now: Fixture.at(1), rules: Fixture.rules()) }
        #expect(error == .selfApproval)
        #expect(error?.description.contains("four-eyes") == true)
        #expect(request.state == .pending)
        #expect(request.decisions.isEmpty)
    }

    @Test func theSameSubjectFromAnotherIssuerIsAnotherPerson() throws {
        let namesake = Principal(subject: Fixture.requester.subject, issuer: "https://other.example", groups: ["dpo"])
        var request = Fixture.request()
        _ = try request.decide(by: namesake, approve: true, reason: nil, grant: .oneTime, now: Fixture.at(1), rules: Fixture.rules())
        #expect(request.state == .approved)
    }

    @Test func outsidersAreRefused() {
        var request = Fixture.request()
        let error = refusal { _ = try request.decide(by: Fixture.outsider, approve: false, reason: nil, grant: .oneTime,
                                                    now: Fixture.at(1), rules: Fixture.rules()) }
        #expect(error == .notAnApprover(approverGroups: ["dpo"]))
        #expect(error?.description.contains("dpo") == true)
        #expect(request.state == .pending)
    }

    @Test func twoDistinctApproversAreNeededWhenTheMinimumIsTwo() throws {
        var request = Fixture.request()
        let rules = Fixture.rules(minimumApprovals: 2)
        let first = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: .timeBoxed(minutes: 30),
                                       now: Fixture.at(1), rules: rules)
        #expect(first == .awaitingMoreApprovals(remaining: 1))
        #expect(request.state == .pending)
        let again = refusal { _ = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                                                    now: Fixture.at(2), rules: rules) }
        #expect(again == .alreadyApproved)
        let second = try request.decide(by: Fixture.carol, approve: true, reason: nil, grant: .timeBoxed(minutes: 10),
                                        now: Fixture.at(3), rules: rules)
        guard case .approved(let grant) = second else { Issue.record("expected approval, got \(second)"); return }
        // The most restrictive choice wins: the shorter time-box.
        #expect(grant.expiresAt == Fixture.at(3 + 600))
        #expect(grant.coverage == .timeBoxed(relations: [Fixture.customers], kinds: [.select]))
        #expect(Set(grant.approvers.map(\.subject)) == ["bob", "carol"])
    }

    @Test func aOneTimeChoiceByAnyApproverMakesTheGrantOneTime() throws {
        var request = Fixture.request()
        let rules = Fixture.rules(minimumApprovals: 2)
        _ = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: .oneTime, now: Fixture.at(1), rules: rules)
        let outcome = try request.decide(by: Fixture.carol, approve: true, reason: nil, grant: .timeBoxed(minutes: 30),
                                         now: Fixture.at(2), rules: rules)
        guard case .approved(let grant) = outcome else { Issue.record("expected approval, got \(outcome)"); return }
        #expect(grant.isOneTime)
    }

    @Test func aDenialByAnyApproverDenies() throws {
        var request = Fixture.request()
        let rules = Fixture.rules(minimumApprovals: 2)
        _ = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: .oneTime, now: Fixture.at(1), rules: rules)
        let outcome = try request.decide(by: Fixture.carol, approve: false, reason: "no ticket", grant: .oneTime,
                                         now: Fixture.at(2), rules: rules)
        guard case .denied(let decision) = outcome else { Issue.record("expected denial, got \(outcome)"); return }
        #expect(decision.approver.subject == "carol")
        #expect(decision.reason == "no ticket")
        #expect(decision.grant == nil)
        #expect(request.state == .denied)
    }

    @Test func decidedRequestsCannotBeDecidedAgain() throws {
        var request = Fixture.request()
        _ = try request.decide(by: Fixture.bob, approve: false, reason: nil, grant: .oneTime, now: Fixture.at(1), rules: Fixture.rules())
        let error = refusal { _ = try request.decide(by: Fixture.carol, approve: true, reason: nil, grant: .oneTime,
                                                    now: Fixture.at(2), rules: Fixture.rules()) }
        #expect(error == .notPending(.denied))
        #expect(error?.description == "the request is already denied")
    }

    @Test func aDecisionAtTheDeadlineExpiresTheRequestAndIsRefused() {
        var request = Fixture.request()
        let error = refusal { _ = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                                                    now: Fixture.at(60), rules: Fixture.rules()) }
        #expect(error == .expired(deadline: Fixture.at(60)))
        #expect(request.state == .expired)
        let cancelled = request.cancel()
        #expect(!cancelled)
    }

    @Test func expiryOnlyHappensAtTheDeadlineAndOnlyToPendingRequests() {
        var request = Fixture.request()
        let early = request.expire(now: Fixture.at(59))
        let due = request.expire(now: Fixture.at(60))
        let again = request.expire(now: Fixture.at(61))
        #expect(!early && due && !again)
        #expect(request.state == .expired)
    }

    @Test func cancelEndsAPendingRequest() {
        var request = Fixture.request()
        let cancelled = request.cancel()
        #expect(cancelled)
        #expect(request.state == .cancelled)
        let error = refusal { _ = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: .oneTime,
                                                    now: Fixture.at(1), rules: Fixture.rules()) }
        #expect(error == .notPending(.cancelled))
    }

    @Test func grantsBeyondTheCapOrUnderAMinuteAreRefused() {
        var request = Fixture.request()
        let rules = Fixture.rules(maximumGrantMinutes: 30)
        let long = refusal { _ = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: .timeBoxed(minutes: 31),
                                                   now: Fixture.at(1), rules: rules) }
        #expect(long == .grantTooLong(minutes: 31, maximumMinutes: 30))
        #expect(long?.description.contains("maximum of 30 minutes") == true)
        let short = refusal { _ = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: .timeBoxed(minutes: 0),
                                                    now: Fixture.at(1), rules: rules) }
        #expect(short == .grantTooShort(minutes: 0))
        #expect(request.state == .pending)
        #expect(request.decisions.isEmpty)
    }
}
