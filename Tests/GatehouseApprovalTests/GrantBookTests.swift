import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy
import Testing

@Suite struct GrantBookTests {
    func approvedGrant(_ choice: GrantChoice, request: ApprovalRequest = Fixture.request()) throws -> ApprovalGrant {
        var request = request
        let outcome = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: choice,
                                         now: Fixture.at(10), rules: Fixture.rules())
        guard case .approved(let grant) = outcome else { throw CancellationError() }
        return grant
    }

    @Test func aOneTimeGrantCoversExactlyThatStatementOnce() throws {
        let request = Fixture.request()
        var book = GrantBook()
        book.add(try approvedGrant(.oneTime, request: request))
        let text = request.statementText
        #expect(book.covering(principal: Fixture.requester, connection: "shop", statementText: text + " ",
                              scope: Fixture.scope(), now: Fixture.at(11)) == nil)
        #expect(book.covering(principal: Fixture.carol, connection: "shop", statementText: text,
                              scope: Fixture.scope(), now: Fixture.at(11)) == nil)
        let used = book.use(principal: Fixture.requester, connection: "shop", statementText: text,
                            scope: Fixture.scope(), now: Fixture.at(11))
        #expect(used?.requestID == request.id)
        #expect(book.use(principal: Fixture.requester, connection: "shop", statementText: text,
                         scope: Fixture.scope(), now: Fixture.at(12)) == nil)
        #expect(book.grants.isEmpty)
    }

    @Test func aOneTimeGrantLapsesAfterOneHoldTimeout() throws {
        var book = GrantBook()
        book.add(try approvedGrant(.oneTime))
        #expect(book.covering(principal: Fixture.requester, connection: "shop", statementText: Fixture.request().statementText,
                              scope: Fixture.scope(), now: Fixture.at(70)) == nil)
    }

    @Test func aTimeBoxedGrantCoversOtherStatementsOnTheApprovedTablesUntilItExpires() throws {
        var book = GrantBook()
        let grant = try approvedGrant(.timeBoxed(minutes: 15))
        book.add(grant)
        let other = "SELECT name FROM customers WHERE id = 8"
        for _ in 0..<3 {
            #expect(book.use(principal: Fixture.requester, connection: "shop", statementText: other,
                             scope: Fixture.scope(), now: Fixture.at(60)) == grant)
        }
        // Just before and at the end of the box.
        #expect(book.covering(principal: Fixture.requester, connection: "shop", statementText: other,
                              scope: Fixture.scope(), now: Fixture.at(10 + 899)) == grant)
        #expect(book.covering(principal: Fixture.requester, connection: "shop", statementText: other,
                              scope: Fixture.scope(), now: Fixture.at(10 + 900)) == nil)
        #expect(book.dropExpired(now: Fixture.at(10 + 900)) == [grant])
        #expect(book.grants.isEmpty)
    }

    @Test func aTimeBoxedGrantCoversNoOtherTablesPrincipalsConnectionsKindsOrUnanalysedStatements() throws {
        var book = GrantBook()
        book.add(try approvedGrant(.timeBoxed(minutes: 15)))
        let text = "SELECT …"
        func covers(_ scope: ApprovalScope, as principal: Principal = Fixture.requester, on connection: String = "shop") -> Bool {
            book.covering(principal: principal, connection: connection, statementText: text, scope: scope, now: Fixture.at(20)) != nil
        }
        #expect(covers(Fixture.scope()))
        #expect(!covers(Fixture.scope([Fixture.customers, Fixture.orders])))
        #expect(!covers(Fixture.scope([Fixture.orders])))
        #expect(!covers(Fixture.scope(), as: Fixture.carol))
        #expect(!covers(Fixture.scope(), on: "billing"))
        #expect(!covers(Fixture.scope(kinds: [.delete])))
        #expect(!covers(Fixture.scope(analysable: false)))
        // Another token of the same person (other groups) is still that person.
        let sameAgent = Principal(subject: Fixture.requester.subject, issuer: Fixture.issuer, groups: [])
        #expect(covers(Fixture.scope(), as: sameAgent))
    }

    @Test func aOneTimeGrantIsPreferredToATimeBox() throws {
        var book = GrantBook()
        let timeBoxed = try approvedGrant(.timeBoxed(minutes: 15))
        let request = Fixture.request()
        let oneTime = try approvedGrant(.oneTime, request: request)
        book.add(timeBoxed)
        book.add(oneTime)
        #expect(book.use(principal: Fixture.requester, connection: "shop", statementText: request.statementText,
                         scope: Fixture.scope(), now: Fixture.at(11)) == oneTime)
        #expect(book.grants == [timeBoxed])
    }
}
