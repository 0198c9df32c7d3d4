import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy
import Testing

/// Grants from held Git requests: once covers exactly the request (a fetch's negotiation rounds
/// without spending it), time-boxed covers the approved operations on the approved repositories.
@Suite struct GitGrantTests {
    static let text = "git fetch hr/people.git: want 1111111111111111111111111111111111111111"
    static let fetchScope = ApprovalScope(categories: ["employee"], repositories: ["hr/people.git"], gitOperations: [.fetch])

    func grant(_ choice: GrantChoice, scope: ApprovalScope = fetchScope) throws -> ApprovalGrant {
        var request = Fixture.request(text: Self.text, scope: scope, connection: "code")
        guard case .approved(let grant) = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: choice,
                                                             now: Fixture.at(10), rules: Fixture.rules())
        else { throw CancellationError() }
        return grant
    }

    @Test func onceCoversTheSameRequestAndTheRoundThatEndsItSpendsIt() throws {
        let grant = try grant(.oneTime)
        #expect(grant.coverage == .gitRequest(requestText: Self.text, repository: "hr/people.git"))
        #expect(grant.evidence == .init(kind: .oneTime, expires: Fixture.at(70), relations: [], repositories: ["hr/people.git"]))
        var book = GrantBook()
        book.add(grant)
        func use(_ text: String = Self.text, spending: Bool) -> ApprovalGrant? {
            book.use(principal: Fixture.requester, connection: "code", statementText: text, scope: Self.fetchScope,
                     now: Fixture.at(11), spendingOneTime: spending)
        }
        #expect(use(Self.text + " 2222", spending: true) == nil)  // other wants: another fetch
        #expect(use(spending: false)?.id == grant.id)  // a negotiation round
        #expect(use(spending: false)?.id == grant.id)
        #expect(use(spending: true)?.id == grant.id)  // the round with `done`
        #expect(use(spending: true) == nil && book.grants.isEmpty)
    }

    @Test func timeBoxedCoversTheApprovedOperationOnTheApprovedRepositoryOnly() throws {
        let pushScope = ApprovalScope(repositories: ["hr/people.git"], gitOperations: [.push])
        let grant = try grant(.timeBoxed(minutes: 5), scope: pushScope)
        #expect(grant.coverage == .gitRepositories(repositories: ["hr/people.git"], operations: [.push]))
        #expect(grant.evidence.kind == .timeBoxed && grant.evidence.repositories == ["hr/people.git"])
        func covers(_ scope: ApprovalScope, at seconds: TimeInterval = 60) -> Bool {
            grant.covers(principal: Fixture.requester, connection: "code", statementText: "another push", scope: scope,
                         now: Fixture.at(seconds))
        }
        #expect(covers(pushScope))
        #expect(!covers(pushScope, at: 10 + 5 * 60))  // expired
        #expect(!covers(Self.fetchScope))  // approving a push does not approve reading
        #expect(!covers(ApprovalScope(repositories: ["hr/other.git"], gitOperations: [.push])))
        #expect(!covers(Fixture.scope()))  // nor a statement
        #expect(!grant.covers(principal: Fixture.carol, connection: "code", statementText: "x", scope: pushScope, now: Fixture.at(60)))
    }

    @Test func aStatementGrantNeverCoversAGitRequest() throws {
        var request = Fixture.request()
        guard case .approved(let grant) = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: .timeBoxed(minutes: 5),
                                                             now: Fixture.at(10), rules: Fixture.rules())
        else { throw CancellationError() }
        #expect(!grant.covers(principal: Fixture.requester, connection: "shop", statementText: Self.text, scope: Self.fetchScope,
                              now: Fixture.at(20)))
    }
}
