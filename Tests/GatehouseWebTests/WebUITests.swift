import Foundation
import GatehouseApproval
import GatehouseCore
import GatehouseLedger
import GatehouseStore
import GatehousePolicy
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import GatehouseWeb

/// The web UI's sign-in, sessions, roles and CSRF defence, through HTTP.
///
/// The sign-in provider here is a fake (`code` in, principal out): the UI's part of the flow is
/// state binding, PKCE bookkeeping, sessions and cookies. The real provider side (code exchange,
/// ID-token and nonce validation) is tested against oidc-provider-mock in GatehouseIdentityTests,
/// and the whole flow in a real browser in tests/integration/test_web_ui.py.
private enum UI {
    static let issuer = "https://issuer.example"
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let base = "http://127.0.0.1:8080"

    static let agent = Principal(subject: "agent-ann", issuer: issuer, username: "ann", agentApplication: "coder", groups: ["engineers"])
    static let bob = Principal(subject: "bob", issuer: issuer, username: "bob", groups: ["dpo"])
    static let eve = Principal(subject: "eve", issuer: issuer, username: "eve", groups: ["audit"])
    static let mallory = Principal(subject: "mallory", issuer: issuer, groups: ["engineers"])
    static let codes: [String: Principal] = ["bob-code": bob, "eve-code": eve, "mallory-code": mallory]

    struct UnknownCode: Error {}

    static func request(requester: Principal, purpose: String = "TICKET-123") -> ApprovalRequest {
        let customers = RelationName(schema: "public", name: "customers")
        let scope = ApprovalScope(relations: [customers], classifiedRelations: [customers],
                                  columns: [ColumnReference(relation: customers, column: "email")], categories: ["contact"], kinds: [.select])
        return ApprovalRequest(
            requester: requester, connection: "shop", statementText: "SELECT email FROM customers WHERE email = 'jane@example.com'",
            maskedStatement: "SELECT email FROM customers WHERE email = '<email>'",
            need: ApprovalNeed(reasons: ["reads classified table public.customers (contact)"], scope: scope),
            purpose: Purpose(text: purpose, source: .statementComment), createdAt: start, holdTimeoutSeconds: 60)
    }

    /// Keeps what it is asked to record, or refuses everything (a ledger that cannot append).
    final class MemoryRecorder: EventRecorder, @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [GatehouseEvent] = []
        let failing: Bool
        init(failing: Bool = false) { self.failing = failing }

        var events: [GatehouseEvent] { lock.withLock { stored } }

        func record(_ events: [GatehouseEvent], completion: @escaping @Sendable (Result<[Int64], Error>) -> Void) {
            if failing { return completion(.failure(RecordingError("disk full"))) }
            let indexes = lock.withLock { () -> [Int64] in
                stored.append(contentsOf: events)
                return (0..<events.count).map { Int64(stored.count - events.count + $0) }
            }
            completion(.success(indexes))
        }
    }

    static func fixture(
        publicURL: String = base, requests: [ApprovalRequest], recorder: MemoryRecorder = MemoryRecorder(), connections: [UIConnection] = [],
        evidence: UIEvidence? = nil
    ) -> (WebUI, ApprovalBroker) {
        let broker = ApprovalBroker()
        for request in requests { broker.submit(request) { _ in } }
        let rules = ApprovalRules(mode: .personalData, approverGroups: ["dpo"], holdTimeoutSeconds: 60, maximumGrantMinutes: 30)
        let now: @Sendable () -> Date = { start.addingTimeInterval(5) }
        let api = ApprovalAPI(broker: broker, rules: { $0 == "shop" ? rules : nil }, authenticate: { _ in throw UnknownCode() },
                              approvalURL: { "\(publicURL)/ui/approvals/\($0)" }, now: now)
        let login = UILoginProvider(
            issuer: issuer,
            authorizationURL: { state, nonce, challenge in "https://issuer.example/authorize?state=\(state)&nonce=\(nonce)&code_challenge=\(challenge)" },
            complete: { code, verifier, _ in
                guard !verifier.isEmpty, let principal = codes[code] else { throw UnknownCode() }
                return principal
            })
        let ui = WebUI(publicBaseURL: publicURL, login: login,
                       roles: UIRoleRules(approverGroups: ["dpo"], auditorGroups: ["audit"], adminGroups: ["root"]),
                       approvals: api, evidence: evidence, connections: connections, sessionLifetime: 3600, recorder: recorder, now: now)
        return (ui, broker)
    }

    static func application(_ ui: WebUI) -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = WebServer(address: "127.0.0.1", port: 0, tls: nil, devIssuer: nil, logger: logger, approvals: ui.approvals, ui: ui)
        return Application(router: server.makeRouter(), logger: logger)
    }

    /// The value of cookie `name` in a response's Set-Cookie headers.
    static func cookie(_ name: String, in response: TestResponse) -> (value: String, attributes: String)? {
        for header in response.headers[values: .setCookie] where header.hasPrefix(name + "=") {
            let value = header.dropFirst(name.count + 1).prefix { $0 != ";" }
            return (String(value), header)
        }
        return nil
    }

    static func query(_ name: String, in location: String) -> String? {
        URLComponents(string: location)?.queryItems?.first { $0.name == name }?.value
    }

    struct SignedIn {
        let session: String
        let location: String
    }

    /// /ui/login, then the provider's callback with `code`, as one browser.
    static func signIn(_ client: some TestClientProtocol, code: String, returnTo: String = "/ui/approvals") async throws -> SignedIn? {
        let login = try await client.execute(uri: "/ui/login?return=\(returnTo)", method: .get)
        guard login.status == .seeOther, let location = login.headers[.location], let state = query("state", in: location),
              let bound = cookie("gatehouse_login", in: login) else { return nil }
        let callback = try await client.execute(uri: "/ui/callback?code=\(code)&state=\(state)", method: .get,
                                                headers: [.cookie: "gatehouse_login=\(bound.value)"])
        guard callback.status == .seeOther, let session = cookie("gatehouse_session", in: callback) else { return nil }
        return SignedIn(session: session.value, location: callback.headers[.location] ?? "")
    }

    static func page(_ client: some TestClientProtocol, _ uri: String, session: String?) async throws -> (HTTPResponse.Status, String) {
        let headers: HTTPFields = session.map { [.cookie: "gatehouse_session=\($0)"] } ?? [:]
        let response = try await client.execute(uri: uri, method: .get, headers: headers)
        return (response.status, String(buffer: response.body))
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func post(
        _ client: some TestClientProtocol, _ uri: String, form: String, session: String?, origin: String? = nil
    ) async throws -> (HTTPResponse.Status, String) {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let session { headers[.cookie] = "gatehouse_session=\(session)" }
        if let origin { headers[.origin] = origin }
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: form))
        return (response.status, String(buffer: response.body))
    }
}

@Suite struct WebUITests {
    @Test func signInBindsStateToTheBrowserAndSetsAHardenedSessionCookie() async throws {
        let (ui, _) = UI.fixture(requests: [])
        try await UI.application(ui).test(.live) { client in
            let login = try await client.execute(uri: "/ui/login?return=/ui/sessions", method: .get)
            #expect(login.status == .seeOther)
            let location = login.headers[.location] ?? ""
            #expect(location.hasPrefix("https://issuer.example/authorize?"))
            let challenge = UI.query("code_challenge", in: location) ?? ""
            #expect(challenge.count == 43)  // base64url SHA-256
            let state = try #require(UI.query("state", in: location))
            let bound = try #require(UI.cookie("gatehouse_login", in: login))
            // The cookie carries the sign-in sealed (the gateway keeps no table of pending sign-ins).
            #expect(bound.value != state && !bound.value.contains(state) && bound.value.count > 100)
            #expect(bound.attributes.contains("HttpOnly") && bound.attributes.contains("SameSite=Lax"))

            // A callback carrying this state, but in a browser without the cookie, is refused.
            let stranger = try await client.execute(uri: "/ui/callback?code=bob-code&state=\(state)", method: .get)
            #expect(stranger.status == .badRequest)
            #expect(String(buffer: stranger.body).contains("not started in this browser"))
            #expect(UI.cookie("gatehouse_session", in: stranger) == nil)

            // Nor with a cookie from another sign-in, or one altered.
            let other = try #require(UI.cookie("gatehouse_login", in: try await client.execute(uri: "/ui/login", method: .get)))
            var altered = Array(bound.value)
            altered[altered.count / 2] = altered[altered.count / 2] == "A" ? "B" : "A"
            for forged in [other.value, String(altered)] {
                let refused = try await client.execute(uri: "/ui/callback?code=bob-code&state=\(state)", method: .get,
                                                       headers: [.cookie: "gatehouse_login=\(forged)"])
                #expect(refused.status == .badRequest && UI.cookie("gatehouse_session", in: refused) == nil)
            }

            let callback = try await client.execute(uri: "/ui/callback?code=bob-code&state=\(state)", method: .get,
                                                    headers: [.cookie: "gatehouse_login=\(bound.value)"])
            #expect(callback.status == .seeOther && callback.headers[.location] == "/ui/sessions")
            let session = try #require(UI.cookie("gatehouse_session", in: callback))
            #expect(session.value.count >= 43)
            #expect(session.attributes.contains("HttpOnly") && session.attributes.contains("SameSite=Lax"))
            #expect(!session.attributes.contains("Secure"))  // http public URL

            // The state is used once.
            let replay = try await client.execute(uri: "/ui/callback?code=bob-code&state=\(state)", method: .get,
                                                  headers: [.cookie: "gatehouse_login=\(bound.value)"])
            #expect(replay.status == .badRequest)
            #expect(String(buffer: replay.body).contains("already used"))
        }
    }

    @Test func signInsAreRecordedAndOneThatCannotBeIsRefused() async throws {
        let recorder = UI.MemoryRecorder()
        let (ui, _) = UI.fixture(requests: [], recorder: recorder)
        try await UI.application(ui).test(.live) { client in
            _ = try #require(try await UI.signIn(client, code: "bob-code"))
            _ = try await UI.signIn(client, code: "mallory-code")
        }
        let events = recorder.events
        #expect(events.count == 2)
        guard events.count == 2, case .authentication(let accepted) = events[0].payload, case .authentication(let refused) = events[1].payload else {
            Issue.record("expected two authentication events, got \(events)")
            return
        }
        #expect(accepted.accepted && events[0].principal == UI.bob && accepted.clientApplication == "gatehouse web UI")
        #expect(events[0].sessionID.hasPrefix("ui-") && events[0].sessionID != events[1].sessionID)
        #expect(!refused.accepted && refused.reason == "no approver, auditor or admin group" && events[1].principal == UI.mallory)

        let (failing, _) = UI.fixture(requests: [], recorder: UI.MemoryRecorder(failing: true))
        try await UI.application(failing).test(.live) { client in
            let signedIn = try await UI.signIn(client, code: "bob-code")
            #expect(signedIn == nil)  // no session without the evidence of it
        }
    }

    @Test func cookiesAreSecureBehindHTTPSAndNoOpenRedirect() async throws {
        let (ui, _) = UI.fixture(publicURL: "https://gatehouse.example", requests: [])
        try await UI.application(ui).test(.live) { client in
            let login = try await client.execute(uri: "/ui/login?return=https://evil.example/x", method: .get)
            let bound = try #require(UI.cookie("gatehouse_login", in: login))
            #expect(bound.attributes.contains("Secure"))
            let state = try #require(UI.query("state", in: login.headers[.location] ?? ""))
            let callback = try await client.execute(uri: "/ui/callback?code=bob-code&state=\(state)", method: .get,
                                                    headers: [.cookie: "gatehouse_login=\(bound.value)"])
            #expect(callback.headers[.location] == "/ui")
            #expect(UI.cookie("gatehouse_session", in: callback)?.attributes.contains("Secure") == true)
        }
    }

    @Test func signedOutVisitorsAreSentToSignInAndUnknownCodesAreRefused() async throws {
        let (ui, _) = UI.fixture(requests: [])
        try await UI.application(ui).test(.live) { client in
            let response = try await client.execute(uri: "/ui/approvals", method: .get)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/ui/login?return=/ui/approvals")
            let forged = try await UI.signIn(client, code: "forged-code")
            #expect(forged == nil)
            let noRole = try await UI.signIn(client, code: "mallory-code")
            #expect(noRole == nil)  // no group grants a role: no session
        }
    }

    @Test func approverSeesTheRequestEscapedAndDecidesWithTheCSRFToken() async throws {
        let held = UI.request(requester: UI.agent, purpose: "<script>alert(1)</script> TICKET-9")
        let (ui, broker) = UI.fixture(requests: [held])
        try await UI.application(ui).test(.live) { client in
            let bob = try #require(try await UI.signIn(client, code: "bob-code"))
            #expect(bob.location == "/ui/approvals")
            let (status, pending) = try await UI.page(client, "/ui/approvals", session: bob.session)
            #expect(status == .ok)
            #expect(pending.contains(held.id) && pending.contains("http-equiv=\"refresh\""))
            #expect(pending.contains("&lt;script&gt;alert(1)&lt;/script&gt; TICKET-9") && !pending.contains("<script>"))

            let (_, detail) = try await UI.page(client, "/ui/approvals/\(held.id)", session: bob.session)
            #expect(detail.contains("public.customers") && detail.contains("contact") && detail.contains("&lt;email&gt;"))
            #expect(!detail.contains("jane@example.com"))
            let token = try #require(UI.csrf(in: detail))

            let decide = "/ui/approvals/\(held.id)/decide"
            let (noToken, noTokenBody) = try await UI.post(client, decide, form: "decision=approve&reason=ok", session: bob.session)
            #expect(noToken == .forbidden && noTokenBody.contains("CSRF token"))
            let (wrongToken, _) = try await UI.post(client, decide, form: "decision=approve&reason=ok&csrf=\(String(repeating: "A", count: token.count))",
                                                    session: bob.session)
            #expect(wrongToken == .forbidden)
            let (crossSite, crossSiteBody) = try await UI.post(client, decide, form: "decision=approve&reason=ok&csrf=\(token)",
                                                               session: bob.session, origin: "https://evil.example")
            #expect(crossSite == .forbidden && crossSiteBody.contains("https://evil.example"))
            let (signedOut, signedOutBody) = try await UI.post(client, decide, form: "decision=approve&reason=ok&csrf=\(token)", session: nil)
            #expect(signedOut == .forbidden && signedOutBody.contains("session has ended"))
            #expect(broker.request(held.id)?.state == .pending)

            let (noReason, noReasonBody) = try await UI.post(client, decide, form: "decision=approve&reason=+&csrf=\(token)", session: bob.session)
            #expect(noReason == .unprocessableContent && noReasonBody.contains("reason"))
            let (tooLong, tooLongBody) = try await UI.post(client, decide, form: "decision=approve&reason=ok&grant=time-boxed&minutes=90&csrf=\(token)",
                                                           session: bob.session, origin: UI.base)
            #expect(tooLong == .unprocessableContent && tooLongBody.contains("role=\"alert\""))
            #expect(broker.request(held.id)?.state == .pending)

            let (approved, approvedBody) = try await UI.post(client, decide, form: "decision=approve&reason=ticket+checked&grant=time-boxed&minutes=10&csrf=\(token)",
                                                             session: bob.session, origin: UI.base)
            #expect(approved == .ok && approvedBody.contains("Approved."))
            let decided = try #require(broker.request(held.id))
            #expect(decided.state == .approved)
            #expect(decided.decisions.first?.reason == "ticket checked" && decided.decisions.first?.grant == .timeBoxed(minutes: 10))
        }
    }

    @Test func anExecSessionsPageShowsItsTranscriptAsReadableText() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/gatehouse-ui-transcript-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteLedgerStore(path: directory + "/ledger.sqlite", logger: Logger(label: "test"))
        defer { store.close() }
        let masterKey = try MasterKey(bytes: [UInt8](repeating: 7, count: 32))
        let recorder = LedgerEventRecorder(store: store, masterKey: masterKey)
        var request = KubeActivity(phase: KubeActivity.Phase.request, operation: "exec", path: "/api/v1/namespaces/shop/pods/web-1/exec",
                                   namespace: "shop", pod: "web-1", command: "sh", tty: true, decision: KubeActivity.Decision.allowed)
        var output = request
        output.phase = KubeActivity.Phase.stream
        output.decision = nil
        output.command = nil
        output.channel = KubeActivity.Channel.stdout
        output.elapsedMicroseconds = 1_000
        output.data = "\u{1B}[32m$\u{1B}[0m cat notes\r\nCall back <b>[EMAIL]</b>\r\n"
        request.approval = nil
        try await recorder.record([request, output].map {
            GatehouseEvent(time: UI.start, sessionID: "k8s-1", connection: "prod", principal: UI.agent, payload: .kubernetes($0))
        })
        let evidence = UIEvidence(browser: LedgerBrowser(store: store, masterKey: masterKey, verifier: nil)) {
            UIEvidence.Verification(passed: true, message: "ok")
        }
        let (ui, _) = UI.fixture(requests: [], evidence: evidence)
        try await UI.application(ui).test(.live) { client in
            let eve = try #require(try await UI.signIn(client, code: "eve-code", returnTo: "/ui/sessions/k8s-1"))
            let (status, page) = try await UI.page(client, "/ui/sessions/k8s-1", session: eve.session)
            #expect(status == .ok)
            #expect(page.contains("<h3>Transcript</h3>") && page.contains("gatehouse audit replay --session k8s-1"))
            // Terminal escapes removed, markup escaped, line ends made plain.
            #expect(page.contains("<pre class=\"transcript\">$ cat notes\nCall back &lt;b&gt;[EMAIL]&lt;/b&gt;\n</pre>"), Comment(rawValue: page))
            #expect(!page.contains("\u{1B}") && !page.contains("<b>[EMAIL]"))
        }
    }

    @Test func selfApprovalAndOutsidersAreRefusedWithAnExplanation() async throws {
        let own = UI.request(requester: UI.bob)
        let (ui, broker) = UI.fixture(requests: [own])
        try await UI.application(ui).test(.live) { client in
            let bob = try #require(try await UI.signIn(client, code: "bob-code"))
            let (_, detail) = try await UI.page(client, "/ui/approvals/\(own.id)", session: bob.session)
            let token = try #require(UI.csrf(in: detail))
            let (status, body) = try await UI.post(client, "/ui/approvals/\(own.id)/decide", form: "decision=approve&reason=mine&csrf=\(token)",
                                                   session: bob.session)
            #expect(status == .forbidden && body.contains("Not decided") && body.contains("own request"))

            // An auditor is not an approver: the pages and the post both say which role is needed.
            let eve = try #require(try await UI.signIn(client, code: "eve-code", returnTo: "/ui"))
            #expect(eve.location == "/ui")
            let (pageStatus, page) = try await UI.page(client, "/ui/approvals", session: eve.session)
            #expect(pageStatus == .forbidden && page.contains("needs the approver or admin role"))
            let (_, connections) = try await UI.page(client, "/ui/connections", session: eve.session)
            let eveToken = try #require(UI.csrf(in: connections))
            let (postStatus, postBody) = try await UI.post(client, "/ui/approvals/\(own.id)/decide",
                                                           form: "decision=approve&reason=why+not&csrf=\(eveToken)", session: eve.session)
            #expect(postStatus == .forbidden && postBody.contains("needs the approver or admin role"))
            #expect(broker.request(own.id)?.state == .pending)
        }
    }

    @Test func connectionsShowEachKindsRulesAndClassification() async throws {
        let git = UIConnection(name: "code", kind: "git", upstream: "https://dev.azure.com/contoso", allowedGroups: ["engineers"],
                               details: [.init("Push to branches", "agent/*"), .init("Forced updates", "refused")], classified: [])
        let shop = UIConnection(name: "shop", kind: "postgres", upstream: "db:5432/shop", allowedGroups: ["engineers"],
                                details: [.init("Approval", "personal-data")],
                                classified: [.init(relation: "public.customers", category: nil, columns: [(name: "email", category: "contact")])])
        var (ui, _) = UI.fixture(requests: [], connections: [shop, git])
        ui.derivedClassification = { name in
            name == "shop" ? [.init(relation: "public.gh_stash", category: nil, columns: [(name: "contact", category: "contact")])] : []
        }
        try await UI.application(ui).test(.live) { client in
            let eve = try #require(try await UI.signIn(client, code: "eve-code", returnTo: "/ui"))
            let (status, page) = try await UI.page(client, "/ui/connections", session: eve.session)
            #expect(status == .ok)
            #expect(page.contains("<dt>Push to branches</dt><dd>agent/*</dd>") && page.contains("https://dev.azure.com/contoso"))
            #expect(page.contains("<dt>Approval</dt><dd>personal-data</dd>") && page.contains("<li><code>email</code>: contact</li>"))
            #expect(page.contains("No personal data is classified on this connection."))  // the Git connection
            // What approved writes classified since, shown once, under its connection.
            let derived = try #require(page.range(of: "<h3>Derived from approved writes</h3>"))
            #expect(page[derived.upperBound...].contains("<code>public.gh_stash</code>"))
            #expect(page.components(separatedBy: "Derived from approved writes").count == 2)
            #expect(page.range(of: "<h2 id=\"c-shop\">")!.lowerBound < derived.lowerBound
                && derived.lowerBound < page.range(of: "<h2 id=\"c-code\">")!.lowerBound)
        }
    }

    @Test func pagesCarrySecurityHeadersAndSignOutEndsTheSession() async throws {
        let (ui, _) = UI.fixture(requests: [])
        try await UI.application(ui).test(.live) { client in
            let bob = try #require(try await UI.signIn(client, code: "bob-code"))
            let response = try await client.execute(uri: "/ui/approvals", method: .get, headers: [.cookie: "gatehouse_session=\(bob.session)"])
            #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(response.headers[.cacheControl] == "no-store")
            let token = try #require(UI.csrf(in: String(buffer: response.body)))
            let (status, body) = try await UI.post(client, "/ui/logout", form: "csrf=\(token)", session: bob.session)
            #expect(status == .ok && body.contains("signed out"))
            let (after, _) = try await UI.page(client, "/ui/approvals", session: bob.session)
            #expect(after == .seeOther)
        }
    }
}
