import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import GatehouseWeb

/// Test principals, tokens and requests.
///
/// `authenticate` is a fake that maps fixed test tokens to principals. That is deliberate: the
/// API only needs "token in, principal out", and real token validation (`TokenValidator`) is
/// tested elsewhere (GatehouseIdentityTests) against a real OIDC provider's documents.
private enum Web {
    static let issuer = "https://issuer.example"
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static let agent = Principal(subject: "agent-alice", issuer: issuer, username: "alice", agentApplication: "coder", groups: ["engineers"])
    static let bob = Principal(subject: "bob", issuer: issuer, username: "bob", groups: ["dpo"])
    static let carol = Principal(subject: "carol", issuer: issuer, groups: ["dpo"])
    static let mallory = Principal(subject: "mallory", issuer: issuer, groups: ["engineers"])

    static let tokens: [String: Principal] = ["agent-token": agent, "bob-token": bob, "carol-token": carol, "mallory-token": mallory]

    struct InvalidToken: Error {}

    static func rules(minimumApprovals: Int = 1) -> ApprovalRules {
        ApprovalRules(mode: .personalData, approverGroups: ["dpo"], minimumApprovals: minimumApprovals,
                      holdTimeoutSeconds: 60, maximumGrantMinutes: 30)
    }

    static func request(connection: String = "shop", requester: Principal = agent, createdAt: Date = start) -> ApprovalRequest {
        let customers = RelationName(schema: "public", name: "customers")
        let scope = ApprovalScope(
            relations: [customers], classifiedRelations: [customers],
            columns: [ColumnReference(relation: customers, column: "email")], categories: ["contact"], kinds: [.select])
        return ApprovalRequest(
            requester: requester, connection: connection,
            statementText: "SELECT email FROM customers WHERE email = 'jane@example.com'",
            maskedStatement: "SELECT email FROM customers WHERE email = '<email>'",
            need: ApprovalNeed(reasons: ["reads classified table public.customers (contact)"], scope: scope),
            purpose: Purpose(text: "TICKET-123", source: .statementComment), createdAt: createdAt, holdTimeoutSeconds: 60)
    }

    /// A broker holding one request on `shop` (approvers: dpo) and one on `billing` (approvers: finance).
    static func fixture(minimumApprovals: Int = 1) -> (ApprovalAPI, ApprovalRequest, ApprovalRequest) {
        let broker = ApprovalBroker()
        let shop = request()
        let billing = request(connection: "billing", createdAt: start.addingTimeInterval(1))
        broker.submit(shop) { _ in }
        broker.submit(billing) { _ in }
        let shopRules = rules(minimumApprovals: minimumApprovals)
        let billingRules = ApprovalRules(mode: .personalData, approverGroups: ["finance"])
        let api = ApprovalAPI(
            broker: broker,
            rules: { name in name == "shop" ? shopRules : (name == "billing" ? billingRules : nil) },
            authenticate: { token in
                guard let principal = tokens[token] else { throw InvalidToken() }
                return principal
            },
            approvalURL: { "https://gatehouse.example/approvals/\($0)" },
            now: { start.addingTimeInterval(10) })
        return (api, shop, billing)
    }

    static func application(_ api: ApprovalAPI) -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = WebServer(address: "127.0.0.1", port: 0, tls: nil, devIssuer: nil, logger: logger, approvals: api)
        return Application(router: server.makeRouter(), logger: logger)
    }

    static func headers(token: String?, json: Bool = false) -> HTTPFields {
        var fields: HTTPFields = [:]
        if let token { fields[.authorization] = "Bearer \(token)" }
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// The response body parsed as JSON (nil when it is not JSON).
    static func json(_ response: TestResponse) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
    }

    static func errorCode(_ response: TestResponse) -> String? {
        let object = json(response) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }
}

@Suite struct ApprovalAPITests {
    @Test func listShowsApproversTheirConnectionsAndRequestersTheirOwn() async throws {
        let (api, shop, billing) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            // bob approves for shop only.
            try await client.execute(uri: "/api/v1/approvals", method: .get, headers: Web.headers(token: "bob-token")) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let list = try #require(Web.json(response) as? [[String: Any]])
                #expect(list.compactMap { $0["id"] as? String } == [shop.id])
                let first = try #require(list.first)
                #expect(first["state"] as? String == "pending")
                #expect(first["connection"] as? String == "shop")
                #expect(first["maskedStatement"] as? String == "SELECT email FROM customers WHERE email = '<email>'")
                #expect(first["statementText"] == nil)
                #expect(first["tables"] as? [String] == ["public.customers"])
                #expect(first["columns"] as? [String] == ["public.customers.email"])
                #expect(first["categories"] as? [String] == ["contact"])
                #expect(first["createdAt"] as? String == "2027-01-15T08:00:00.000Z")
                #expect(first["deadline"] as? String == "2027-01-15T08:01:00.000Z")
                #expect(first["approvalURL"] as? String == "https://gatehouse.example/approvals/\(shop.id)")
                let requester = try #require(first["requester"] as? [String: Any])
                #expect(requester["subject"] as? String == "agent-alice")
                #expect(requester["agentApplication"] as? String == "coder")
                #expect(requester["groups"] as? [String] == ["engineers"])
                #expect((first["purpose"] as? [String: Any])?["text"] as? String == "TICKET-123")
            }
            // The requester sees both of their own requests; an outsider sees none.
            try await client.execute(uri: "/api/v1/approvals", method: .get, headers: Web.headers(token: "agent-token")) { response in
                let list = try #require(Web.json(response) as? [[String: Any]])
                #expect(list.compactMap { $0["id"] as? String } == [shop.id, billing.id])
            }
            try await client.execute(uri: "/api/v1/approvals", method: .get, headers: Web.headers(token: "mallory-token")) { response in
                #expect(response.status == .ok)
                #expect(Web.json(response) as? [Any] != nil)
                #expect((Web.json(response) as? [Any])?.isEmpty == true)
            }
            // One request: visible to its approver, 404 for an outsider (as for an unknown ID).
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)", method: .get, headers: Web.headers(token: "bob-token")) { response in
                #expect(response.status == .ok)
                #expect((Web.json(response) as? [String: Any])?["id"] as? String == shop.id)
            }
            try await client.execute(uri: "/api/v1/approvals/\(billing.id)", method: .get, headers: Web.headers(token: "bob-token")) { response in
                #expect(response.status == .notFound)
                #expect(Web.errorCode(response) == "unknown_request")
            }
        }
    }

    @Test func approveWithAOneTimeGrant() async throws {
        let (api, shop, _) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            try await client.execute(
                uri: "/api/v1/approvals/\(shop.id)/approve", method: .post, headers: Web.headers(token: "bob-token", json: true),
                body: Web.body(#"{"reason": "TICKET-123 checked", "grant": {"kind": "one-time"}}"#)
            ) { response in
                #expect(response.status == .ok)
                let object = try #require(Web.json(response) as? [String: Any])
                #expect(object["outcome"] as? String == "approved")
                let grant = try #require(object["grant"] as? [String: Any])
                #expect(grant["kind"] as? String == "one-time")
                #expect(grant["requestID"] as? String == shop.id)
                #expect(grant["expiresAt"] as? String == "2027-01-15T08:01:10.000Z")
                let request = try #require(object["request"] as? [String: Any])
                #expect(request["state"] as? String == "approved")
                let decisions = try #require(request["decisions"] as? [[String: Any]])
                #expect(decisions.count == 1)
                #expect(decisions.first?["reason"] as? String == "TICKET-123 checked")
                #expect((decisions.first?["approver"] as? [String: Any])?["subject"] as? String == "bob")
                // The raw statement text of a one-time grant is never served.
                #expect(!String(buffer: response.body).contains("jane@example.com"))
            }
            #expect(api.broker.activeGrants(now: Web.start.addingTimeInterval(11)).count == 1)
            // A second decision on the approved request conflicts.
            try await client.execute(
                uri: "/api/v1/approvals/\(shop.id)/deny", method: .post, headers: Web.headers(token: "carol-token", json: true),
                body: Web.body(#"{"reason": "too late"}"#)
            ) { response in
                #expect(response.status == .conflict)
                #expect(Web.errorCode(response) == "not_pending")
            }
        }
    }

    @Test func approveWithATimeBoxedGrant() async throws {
        let (api, shop, _) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            try await client.execute(
                uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                headers: Web.headers(token: "bob-token", json: true),
                body: Web.body(#"{"reason": "incident 42", "grant": {"kind": "time-boxed", "minutes": 10}}"#)
            ) { response in
                #expect(response.status == .ok)
                let object = try #require(Web.json(response) as? [String: Any])
                #expect(object["outcome"] as? String == "approved")
                let grant = try #require(object["grant"] as? [String: Any])
                #expect(grant["kind"] as? String == "time-boxed")
                #expect(grant["tables"] as? [String] == ["public.customers"])
                #expect(grant["kinds"] as? [String] == ["select"])
                #expect(grant["expiresAt"] as? String == "2027-01-15T08:10:10.000Z")
            }
        }
    }

    @Test func twoApproversNeededReportsTheRemainder() async throws {
        let (api, shop, _) = Web.fixture(minimumApprovals: 2)
        try await Web.application(api).test(.live) { client in
            let body = Web.body(#"{"reason": "ok", "grant": {"kind": "time-boxed", "minutes": 5}}"#)
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true), body: body) { response in
                #expect(response.status == .ok)
                let object = try #require(Web.json(response) as? [String: Any])
                #expect(object["outcome"] as? String == "awaiting_more_approvals")
                #expect(object["remaining"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true), body: body) { response in
                #expect(response.status == .conflict)
                #expect(Web.errorCode(response) == "already_approved")
            }
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "carol-token", json: true), body: body) { response in
                #expect((Web.json(response) as? [String: Any])?["outcome"] as? String == "approved")
            }
        }
    }

    @Test func selfApprovalAndOutsidersAreForbidden() async throws {
        let (api, shop, _) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            let body = Web.body(#"{"reason": "mine"}"#)
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "agent-token", json: true), body: body) { response in
                #expect(response.status == .forbidden)
                #expect(Web.errorCode(response) == "self_approval")
                let message = ((Web.json(response) as? [String: Any])?["error"] as? [String: Any])?["message"] as? String
                #expect(message == ApprovalRefusal.selfApproval.description)
            }
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "mallory-token", json: true), body: body) { response in
                #expect(response.status == .forbidden)
                #expect(Web.errorCode(response) == "not_an_approver")
            }
            #expect(api.broker.request(shop.id)?.state == .pending)
        }
    }

    @Test func deny() async throws {
        let (api, shop, _) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            // A denial needs a reason too.
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/deny", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true), body: Web.body(#"{"reason": "  "}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(Web.errorCode(response) == "invalid_body")
            }
            #expect(api.broker.request(shop.id)?.state == .pending)
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/deny", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true),
                                     body: Web.body(#"{"reason": "no ticket for this"}"#)) { response in
                #expect(response.status == .ok)
                let object = try #require(Web.json(response) as? [String: Any])
                #expect(object["outcome"] as? String == "denied")
                #expect((object["request"] as? [String: Any])?["state"] as? String == "denied")
            }
            #expect(api.broker.request(shop.id)?.state == .denied)
        }
    }

    @Test func unknownRequestIs404() async throws {
        let (api, _, _) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            try await client.execute(uri: "/api/v1/approvals/apr_0000000000000000", method: .get,
                                     headers: Web.headers(token: "bob-token")) { response in
                #expect(response.status == .notFound)
                #expect(Web.errorCode(response) == "unknown_request")
            }
            try await client.execute(uri: "/api/v1/approvals/apr_0000000000000000/approve", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true), body: Web.body(#"{"reason": "x"}"#)) { response in
                #expect(response.status == .notFound)
                #expect(Web.errorCode(response) == "unknown_request")
            }
        }
    }

    @Test func missingOrInvalidTokenIs401WithoutEchoingIt() async throws {
        let (api, shop, _) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            for headers in [Web.headers(token: nil), [.authorization: "Basic Ym9iOnB3"] as HTTPFields] {
                try await client.execute(uri: "/api/v1/approvals", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                    #expect(Web.errorCode(response) == "unauthorized")
                }
            }
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "forged-secret-token", json: true),
                                     body: Web.body(#"{"reason": "x"}"#)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
                #expect(Web.errorCode(response) == "unauthorized")
                #expect(!String(buffer: response.body).contains("forged-secret-token"))
            }
            #expect(api.broker.request(shop.id)?.state == .pending)
        }
    }

    @Test func postsMustBeJSON() async throws {
        let (api, shop, _) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            var headers = Web.headers(token: "bob-token")
            headers[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post, headers: headers,
                                     body: Web.body("reason=x")) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(Web.errorCode(response) == "unsupported_media_type")
            }
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true), body: Web.body("not json")) { response in
                #expect(response.status == .unprocessableContent)
                #expect(Web.errorCode(response) == "invalid_body")
            }
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true),
                                     body: Web.body(#"{"reason": "x", "grant": {"kind": "forever"}}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(Web.errorCode(response) == "invalid_body")
            }
            #expect(api.broker.request(shop.id)?.state == .pending)
        }
    }

    @Test func grantBeyondTheCapIs422() async throws {
        let (api, shop, _) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true),
                                     body: Web.body(#"{"reason": "x", "grant": {"kind": "time-boxed", "minutes": 31}}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(Web.errorCode(response) == "grant_too_long")
                let message = ((Web.json(response) as? [String: Any])?["error"] as? [String: Any])?["message"] as? String
                #expect(message == ApprovalRefusal.grantTooLong(minutes: 31, maximumMinutes: 30).description)
            }
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true),
                                     body: Web.body(#"{"reason": "x", "grant": {"kind": "time-boxed", "minutes": 0}}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(Web.errorCode(response) == "grant_too_short")
            }
            #expect(api.broker.request(shop.id)?.state == .pending)
        }
    }

    @Test func expiredRequestConflicts() async throws {
        let (base, shop, _) = Web.fixture()
        let api = ApprovalAPI(broker: base.broker, rules: base.rules, authenticate: base.authenticate,
                              approvalURL: base.approvalURL, now: { Web.start.addingTimeInterval(120) })
        try await Web.application(api).test(.live) { client in
            try await client.execute(uri: "/api/v1/approvals/\(shop.id)/approve", method: .post,
                                     headers: Web.headers(token: "bob-token", json: true), body: Web.body(#"{"reason": "x"}"#)) { response in
                #expect(response.status == .conflict)
                #expect(Web.errorCode(response) == "expired")
            }
        }
    }

    @Test func openAPIDocumentIsServedWithoutAuthentication() async throws {
        let (api, _, _) = Web.fixture()
        try await Web.application(api).test(.live) { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let document = try #require(Web.json(response) as? [String: Any])
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: Any])
                #expect(Set(paths.keys) == [
                    "/api/v1/openapi.json", "/api/v1/approvals", "/api/v1/approvals/{id}",
                    "/api/v1/approvals/{id}/approve", "/api/v1/approvals/{id}/deny",
                ])
            }
        }
    }

    @Test func withoutApprovalsTheRoutesAreAbsent() async throws {
        let server = WebServer(address: "127.0.0.1", port: 0, tls: nil, devIssuer: nil, logger: Logger(label: "test"))
        try await Application(router: server.makeRouter()).test(.live) { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    /// Without TLS, a caller that is not on loopback (here: one the listener cannot place at all,
    /// as Hummingbird's router test gives no peer address) is refused before its token is read.
    @Test func withoutTLSOnlyLoopbackCallersMayPresentCredentials() async throws {
        let (api, _, _) = Web.fixture()
        let plain = WebServer(address: "127.0.0.1", port: 0, tls: nil, devIssuer: nil, logger: Logger(label: "test"), approvals: api)
        try await Application(router: plain.makeRouter()).test(.router) { client in
            try await client.execute(uri: "/api/v1/approvals", method: .get, headers: Web.headers(token: "bob-token")) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("configure listeners.http.tls"))
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
        let encrypted = WebServer(address: "0.0.0.0", port: 0, tls: .makeClientConfiguration(), devIssuer: nil, logger: Logger(label: "test"),
                                  approvals: api)
        try await Application(router: encrypted.makeRouter()).test(.router) { client in
            try await client.execute(uri: "/api/v1/approvals", method: .get, headers: Web.headers(token: "bob-token")) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
