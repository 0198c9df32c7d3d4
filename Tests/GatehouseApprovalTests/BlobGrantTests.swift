import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy
import Testing

/// Grants from held Azure Blob requests: once covers exactly the request (every chunk of one
/// download while it lasts), time-boxed covers the operation on blobs in the same container folder.
@Suite struct BlobGrantTests {
    static let text = "get-blob exports/customers/[EMAIL].json"
    static let readScope = ApprovalScope(categories: ["contact"], blobs: ["exports/customers/[EMAIL].json"], blobOperations: ["get-blob"])

    func grant(_ choice: GrantChoice, scope: ApprovalScope = readScope) throws -> ApprovalGrant {
        var request = Fixture.request(text: Self.text, scope: scope, connection: "exports")
        guard case .approved(let grant) = try request.decide(by: Fixture.bob, approve: true, reason: nil, grant: choice,
                                                             now: Fixture.at(10), rules: Fixture.rules())
        else { throw CancellationError() }
        return grant
    }

    @Test func onceCoversExactlyThisRequestUntilItIsSpent() throws {
        let grant = try grant(.oneTime)
        #expect(grant.coverage == .blobRequest(requestText: Self.text, blob: "exports/customers/[EMAIL].json"))
        #expect(grant.evidence == .init(kind: .oneTime, expires: Fixture.at(70), relations: [], blobs: ["exports/customers/[EMAIL].json"]))
        var book = GrantBook()
        book.add(grant)
        func use(_ text: String = Self.text, spending: Bool) -> ApprovalGrant? {
            book.use(principal: Fixture.requester, connection: "exports", statementText: text, scope: Self.readScope,
                     now: Fixture.at(11), spendingOneTime: spending)
        }
        #expect(use("get-blob exports/customers/other.json", spending: false) == nil)
        #expect(use(spending: false)?.id == grant.id)  // a chunk of the download
        #expect(use(spending: false)?.id == grant.id)  // another
        #expect(use(spending: true)?.id == grant.id)
        #expect(use(spending: true) == nil && book.grants.isEmpty)
    }

    @Test func timeBoxedCoversTheOperationInTheSameFolderOnly() throws {
        let grant = try grant(.timeBoxed(minutes: 5))
        #expect(grant.coverage == .blobPrefixes(prefixes: ["exports/customers/"], operations: ["get-blob"]))
        #expect(grant.evidence.kind == .timeBoxed && grant.evidence.blobs == ["exports/customers/"])
        func covers(_ blob: String, _ operation: String = "get-blob", at seconds: TimeInterval = 60) -> Bool {
            grant.covers(principal: Fixture.requester, connection: "exports", statementText: "\(operation) \(blob)",
                         scope: ApprovalScope(blobs: [blob], blobOperations: [operation]), now: Fixture.at(seconds))
        }
        #expect(covers("exports/customers/2.json"))
        #expect(covers("exports/customers/2026/3.json"))  // below the folder
        #expect(!covers("exports/other/2.json"))
        #expect(!covers("exports/customers/2.json", "put-blob"))  // approving a read does not approve writing
        #expect(!covers("exports/customers/2.json", at: 10 + 5 * 60))  // expired
        #expect(!grant.covers(principal: Fixture.requester, connection: "exports", statementText: "x", scope: Fixture.scope(), now: Fixture.at(60)))
    }

    @Test func statementAndGitGrantsNeverCoverABlobRequest() throws {
        var request = Fixture.request()
        guard case .approved(let statementGrant) = try request.decide(by: Fixture.bob, approve: true, reason: nil,
                                                                      grant: .timeBoxed(minutes: 5), now: Fixture.at(10), rules: Fixture.rules())
        else { throw CancellationError() }
        #expect(!statementGrant.covers(principal: Fixture.requester, connection: "shop", statementText: Self.text, scope: Self.readScope,
                                       now: Fixture.at(20)))
        let gitGrant = ApprovalGrant(id: "grt_1", requestID: "apr_1", issuer: Fixture.requester.issuer, subject: Fixture.requester.subject,
                                     connection: "exports", coverage: .gitRepositories(repositories: ["exports"], operations: [.fetch]),
                                     approvers: [], grantedAt: Fixture.at(0), expiresAt: Fixture.at(600))
        #expect(!gitGrant.covers(principal: Fixture.requester, connection: "exports", statementText: Self.text, scope: Self.readScope,
                                 now: Fixture.at(20)))
    }
}
