import Crypto
import Foundation
import GatehouseApproval
import GatehouseCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The built-in web UI under `/ui` (docs/web-ui.md): humans sign in with OIDC (authorization
/// code + PKCE), then see pending approvals and decide them, read sessions and their timelines
/// from the ledger, check the ledger, and see the connections. Plain HTML forms, one
/// stylesheet served from here, no scripts, no external assets.
///
/// Sessions are cookies (HttpOnly, SameSite=Lax, Secure when the public URL is https); every
/// form carries the session's CSRF token, and posts from another origin are refused.
public struct WebUI: Sendable {
    /// `https://gatehouse.example.com` (no trailing slash): links, cookies' Secure flag, the callback URL.
    public var publicBaseURL: String
    /// nil: sign-in is not configured; pages say so.
    public var login: UILoginProvider?
    public var roles: UIRoleRules
    /// Decisions go through the same code as the REST API's.
    public var approvals: ApprovalAPI
    public var evidence: UIEvidence?
    public var connections: [UIConnection]
    /// What approved writes classified on a connection so far (derived classification, live).
    public var derivedClassification: @Sendable (String) -> [UIConnection.ClassifiedTable] = { _ in [] }
    /// Sign-ins, accepted and refused, are authentication events in the ledger; a sign-in that
    /// cannot be recorded does not happen (nil only in tests of the pages themselves).
    public var recorder: (any EventRecorder)?
    public var now: @Sendable () -> Date
    let sessions: UISessionStore

    public init(
        publicBaseURL: String, login: UILoginProvider?, roles: UIRoleRules, approvals: ApprovalAPI, evidence: UIEvidence?,
        connections: [UIConnection], sessionLifetime: TimeInterval, recorder: (any EventRecorder)?,
        sharing: UISharing? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.publicBaseURL = publicBaseURL
        self.login = login
        self.roles = roles
        self.approvals = approvals
        self.evidence = evidence
        self.connections = connections
        self.recorder = recorder
        self.now = now
        sessions = UISessionStore(sessionLifetime: sessionLifetime, signIns: UISignInCookie(key: sharing?.signInKey ?? SymmetricKey(size: .bits256)),
                                  shared: sharing?.store)
    }

    /// Sign-ins valid on every instance of a shared store: the sessions in the store, and the
    /// key that seals sign-ins in progress shared too (a sign-in started on one instance may
    /// come back to another).
    public struct UISharing: Sendable {
        public var store: SharedSignIns
        public var signInKey: SymmetricKey

        public init(store: SharedSignIns, signInKey: SymmetricKey) {
            self.store = store
            self.signInKey = signInKey
        }
    }

    /// Takes in the shared store's sessions and follows them (nothing without one).
    public func startSharing() throws {
        try sessions.startSharing()
    }

    public static let basePath = "/ui"
    static let sessionCookie = "gatehouse_session"
    static let loginCookie = "gatehouse_login"
    static let maximumFormBytes = 16 * 1024

    /// Where the provider sends the browser back to; register it with the provider.
    public var callbackURL: String { publicBaseURL + Self.basePath + "/callback" }

    var secureCookies: Bool { publicBaseURL.lowercased().hasPrefix("https://") }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let ui = self
        let base = Self.basePath
        router.get(RouterPath(base)) { request, _ in await ui.home(request) }
        router.get("\(base)/static/gatehouse.css") { _, _ in UILayout.stylesheetResponse() }
        router.get("\(base)/login") { request, context in await ui.startLogin(request, logger: context.logger) }
        router.get("\(base)/callback") { request, context in await ui.finishLogin(request, logger: context.logger) }
        router.post("\(base)/logout") { request, _ in await ui.logout(request) }
        router.get("\(base)/approvals") { request, _ in await ui.page(request, needs: [.approver, .admin]) { ui.pendingPage($0) } }
        router.get("\(base)/approvals/:id") { request, context in
            await ui.page(request, needs: [.approver, .admin]) { ui.requestPage(id: context.parameters.get("id") ?? "", session: $0) }
        }
        router.post("\(base)/approvals/:id/decide") { request, context in
            await ui.form(request, needs: [.approver, .admin]) { session, fields in
                await ui.decide(id: context.parameters.get("id") ?? "", fields: fields, session: session, logger: context.logger)
            }
        }
        router.get("\(base)/sessions") { request, _ in await ui.page(request, needs: [.auditor, .admin]) { ui.sessionsPage(request, session: $0) } }
        router.get("\(base)/sessions/:id") { request, context in
            await ui.page(request, needs: [.auditor, .admin]) { ui.timelinePage(id: context.parameters.get("id") ?? "", session: $0) }
        }
        router.get("\(base)/ledger") { request, _ in await ui.page(request, needs: [.auditor, .admin]) { ui.ledgerPage(session: $0, verification: nil) } }
        router.post("\(base)/ledger/verify") { request, _ in
            await ui.form(request, needs: [.auditor, .admin]) { session, _ in await ui.verifyLedger(session: session) }
        }
        router.get("\(base)/connections") { request, _ in
            await ui.page(request, needs: Set(UIRole.allCases)) { ui.connectionsPage(session: $0) }
        }
    }

    // MARK: - Access

    func currentSession(_ request: Request) async -> UISessionStore.Session? {
        guard let id = request.cookies[Self.sessionCookie]?.value, !id.isEmpty else { return nil }
        return await sessions.session(id: id, now: now())
    }

    /// A GET page for a signed-in human holding one of `roles`; others are sent to sign in or told why not.
    func page(_ request: Request, needs roles: Set<UIRole>, _ render: (UISessionStore.Session) -> Response) async -> Response {
        guard let session = await currentSession(request) else { return redirectToLogin(returnTo: request.uri.path) }
        guard !session.roles.isDisjoint(with: roles) else { return forbidden(session: session, needs: roles) }
        return render(session)
    }

    /// A form post: signed in, holding a role, same origin, and carrying the session's CSRF token.
    func form(
        _ request: Request, needs roles: Set<UIRole>,
        _ handle: (UISessionStore.Session, [String: String]) async -> Response
    ) async -> Response {
        guard let session = await currentSession(request) else {
            return UILayout.message(status: .forbidden, title: "Signed out", session: nil, text:
                "Your session has ended, so this form was not accepted. Sign in again and repeat the action.",
                link: (Self.basePath + "/login", "Sign in"))
        }
        guard !session.roles.isDisjoint(with: roles) else { return forbidden(session: session, needs: roles) }
        if let refusal = crossSiteRefusal(request) {
            return UILayout.message(status: .forbidden, title: "Request refused", session: session, text: refusal)
        }
        var request = request
        guard let body = try? await request.collectBody(upTo: Self.maximumFormBytes) else {
            return UILayout.message(status: .contentTooLarge, title: "Form too large", session: session,
                                    text: "The form is larger than \(Self.maximumFormBytes) bytes and was not accepted.")
        }
        let fields = UIForm.fields(String(buffer: body))
        guard let token = fields["csrf"], ConstantTime.equals(token, session.csrfToken) else {
            return UILayout.message(status: .forbidden, title: "Request refused", session: session, text:
                "The form did not carry this session's CSRF token, so it may not have come from a Gatehouse page. Nothing was changed. Reload the page and try again.")
        }
        return await handle(session, fields)
    }

    /// Browsers say where a post comes from; one from another site is refused before the token is looked at.
    func crossSiteRefusal(_ request: Request) -> String? {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" {
            return "This form was submitted from another site (Sec-Fetch-Site: cross-site). Nothing was changed."
        }
        if let origin = request.headers[HTTPField.Name("Origin")!], origin != "null", origin != Self.origin(of: publicBaseURL) {
            return "This form was submitted from \(origin), not from \(Self.origin(of: publicBaseURL)). Nothing was changed."
        }
        return nil
    }

    /// `scheme://host[:port]` of a URL.
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return url }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return components.port.map { "\(scheme)://\(hostPart):\($0)" } ?? "\(scheme)://\(hostPart)"
    }

    func forbidden(session: UISessionStore.Session, needs roles: Set<UIRole>) -> Response {
        let needed = roles.sorted().map(\.rawValue).joined(separator: " or ")
        let held = session.roles.isEmpty ? "no role" : session.roles.sorted().map(\.rawValue).joined(separator: ", ")
        return UILayout.message(status: .forbidden, title: "Not permitted", session: session, text:
            "This page needs the \(needed) role. You are signed in as \(session.principal.displayName) with \(held) (groups: \(session.principal.groups.isEmpty ? "none" : session.principal.groups.joined(separator: ", "))).")
    }

    func home(_ request: Request) async -> Response {
        guard let session = await currentSession(request) else { return redirectToLogin(returnTo: Self.basePath) }
        let target = session.roles.contains(.approver) || session.roles.contains(.admin) ? "/approvals" : "/sessions"
        return Self.seeOther(Self.basePath + target)
    }

    func redirectToLogin(returnTo: String) -> Response {
        var components = URLComponents()
        components.path = Self.basePath + "/login"
        components.queryItems = [URLQueryItem(name: "return", value: returnTo)]
        return Self.seeOther(components.string ?? Self.basePath + "/login")
    }

    static func seeOther(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }
}
