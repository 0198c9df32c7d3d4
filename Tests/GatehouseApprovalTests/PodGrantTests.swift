import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy
import Testing

/// Grants from held Kubernetes requests: once covers exactly the request (pod and command),
/// time-boxed covers the operation on every pod of the namespace.
@Suite struct PodGrantTests {
    static let text = "exec shop/billing-0 -- cat /data/invoices.csv"
    static let scope = ApprovalScope(categories: ["financial"], pods: ["shop/billing-0"], kubeOperations: ["exec"])

    func grant(_ choice: GrantChoice) throws -> ApprovalGrant {
        var request = Fixture.request(text: Self.text, scope: Self.scope, connection: "prod")
        guard case .approved(let grant) = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: choice,
                                                             now: Fixture.at(10), rules: Fixture.rules())
        else { throw CancellationError() }
        return grant
    }

    func covers(_ grant: ApprovalGrant, _ text: String, pod: String, operation: String = "exec", at seconds: TimeInterval = 30) -> Bool {
        grant.covers(principal: Fixture.requester, connection: "prod", statementText: text,
                     scope: ApprovalScope(pods: [pod], kubeOperations: [operation]), now: Fixture.at(seconds))
    }

    @Test func onceCoversExactlyThisCommandOnThisPod() throws {
        let grant = try grant(.oneTime)
        #expect(grant.coverage == .podRequest(requestText: Self.text, pod: "shop/billing-0"))
        #expect(grant.evidence == .init(kind: .oneTime, expires: Fixture.at(70), relations: [], pods: ["shop/billing-0"]))
        #expect(covers(grant, Self.text, pod: "shop/billing-0"))
        #expect(!covers(grant, "exec shop/billing-0 -- sh", pod: "shop/billing-0"))  // another command is another request
    }

    @Test func timeBoxedCoversTheOperationInTheNamespaceOnly() throws {
        let grant = try grant(.timeBoxed(minutes: 5))
        #expect(grant.coverage == .podNamespaces(namespaces: ["shop"], operations: ["exec"]))
        #expect(grant.evidence.kind == .timeBoxed && grant.evidence.pods == ["shop/"])
        #expect(covers(grant, "exec shop/billing-1 -- ls", pod: "shop/billing-1"))
        #expect(!covers(grant, "exec shopping/x -- ls", pod: "shopping/x"))
        #expect(!covers(grant, "logs shop/billing-0", pod: "shop/billing-0", operation: "logs"))  // approving exec is not approving logs
        #expect(!covers(grant, "exec shop/billing-1 -- ls", pod: "shop/billing-1", at: 10 + 5 * 60))
        // Never a statement, Git or Blob request.
        #expect(!grant.covers(principal: Fixture.requester, connection: "prod", statementText: "x", scope: Fixture.scope(), now: Fixture.at(30)))
    }

    @Test func statementGrantsNeverCoverAPodRequest() throws {
        var request = Fixture.request()
        guard case .approved(let statementGrant) = try request.decide(by: Fixture.bob, approve: true, reason: nil,
                                                                      grant: .timeBoxed(minutes: 5), now: Fixture.at(10), rules: Fixture.rules())
        else { throw CancellationError() }
        #expect(!statementGrant.covers(principal: Fixture.requester, connection: "shop", statementText: Self.text, scope: Self.scope,
                                       now: Fixture.at(20)))
    }
}
