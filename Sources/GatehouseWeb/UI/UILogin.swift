import Foundation
import GatehouseCore
import GatehouseIdentity
import HTTPTypes
import Hummingbird
import Logging

/// Sign-in and sign-out: OIDC authorization code flow with PKCE (RFC 7636, S256), the `state`,
/// verifier and nonce sealed into a short-lived cookie of the browser that started (so a
/// stranger's callback cannot sign you in as them, and the gateway keeps nothing per sign-in),
/// and the nonce checked in the ID token.
extension WebUI {
    func startLogin(_ request: Request, logger: Logger) async -> Response {
        guard let login else {
            return UILayout.message(status: .serviceUnavailable, title: "Sign-in is not configured", session: nil, text:
                "This gateway has no sign-in provider for the web UI. Configure web.login with one of identity.issuers, or enable identity.dev_issuer for local use (docs/web-ui.md).")
        }
        let returnTo = Self.localPath(request.uri.queryParameters["return"].map(String.init)) ?? Self.basePath
        let (pending, sealed) = sessions.signIns.begin(returnTo: returnTo, now: now())
        let location: String
        do {
            location = try await login.authorizationURL(pending.state, pending.nonce, PKCE.challenge(for: pending.codeVerifier))
        } catch {
            logger.error("web UI sign-in: the provider's discovery failed", metadata: ["issuer": "\(login.issuer)", "error": "\(error)"])
            return UILayout.message(status: .badGateway, title: "Sign-in provider unavailable", session: nil, text:
                "The sign-in provider \(login.issuer) could not be reached or its discovery document is unusable: \(error). Try again later; the operator's log has details.")
        }
        let cookie = Cookie(name: Self.loginCookie, value: sealed, maxAge: Int(UISignInCookie.lifetime), path: Self.basePath,
                            secure: secureCookies, httpOnly: true, sameSite: .lax)
        return Self.seeOther(location, headers: [.setCookie: cookie.description])
    }

    func finishLogin(_ request: Request, logger: Logger) async -> Response {
        let query = request.uri.queryParameters
        guard let login else { return await startLogin(request, logger: logger) }
        if let error = query["error"] {
            let description = query["error_description"].map { ": \(ClientSafeText.echo(String($0)))" } ?? ""
            return signInFailed("The sign-in provider refused the sign-in (\(ClientSafeText.echo(String(error)))\(description)).")
        }
        guard let state = query["state"].map(String.init), let code = query["code"].map(String.init), !code.isEmpty else {
            return signInFailed("The provider's answer has no code or state.")
        }
        guard let bound = request.cookies[Self.loginCookie]?.value else {
            return signInFailed("This sign-in was not started in this browser (it has no sign-in cookie), or it was already used.")
        }
        guard let pending = sessions.signIns.open(bound, state: state, now: now()) else {
            return signInFailed("This sign-in was not started in this browser, has expired, or was started before the gateway restarted.")
        }
        let principal: Principal
        do {
            principal = try await login.complete(code, pending.codeVerifier, pending.nonce)
        } catch {
            logger.info("web UI sign-in refused", metadata: ["reason": "\(error)"])
            await recordSignIn(nil, refusal: "the provider's answer could not be verified: \(error)", request: request, logger: logger)
            return signInFailed("The provider's answer could not be verified (\(error)).")
        }
        do throws(UISessionStore.Failure) {
            try await sessions.markUsed(pending, now: now())
        } catch {
            return sessionFailure(error, logger: logger)
        }
        let roles = self.roles.roles(of: principal)
        guard !roles.isEmpty else {
            logger.info("web UI sign-in without a role", metadata: ["subject": "\(principal.subject)"])
            await recordSignIn(principal, refusal: "no approver, auditor or admin group", request: request, logger: logger)
            return UILayout.message(status: .forbidden, title: "No role here", session: nil, text:
                "You signed in as \(principal.displayName), but none of your groups (\(principal.groups.isEmpty ? "none" : principal.groups.joined(separator: ", "))) is an approver, auditor or admin group of this gateway.")
        }
        guard await recordSignIn(principal, refusal: nil, request: request, logger: logger) else {
            return UILayout.message(status: .serviceUnavailable, title: "Sign-in not recorded", session: nil, text:
                "Your sign-in could not be recorded in the evidence ledger, so it was not accepted. Try again; the operator's log has details.")
        }
        let id: String
        do throws(UISessionStore.Failure) {
            id = try await sessions.create(principal: principal, roles: roles, now: now()).id
        } catch {
            return sessionFailure(error, logger: logger)
        }
        logger.info("web UI sign-in", metadata: ["subject": "\(principal.subject)", "roles": "\(roles.sorted().map(\.rawValue))"])
        let sessionCookie = Cookie(name: Self.sessionCookie, value: id, maxAge: Int(sessions.sessionLifetime), path: "/",
                                   secure: secureCookies, httpOnly: true, sameSite: .lax)
        var headers: HTTPFields = [.setCookie: sessionCookie.description]
        headers.append(HTTPField(name: .setCookie, value: expiredCookie(Self.loginCookie, path: Self.basePath)))
        return Self.seeOther(pending.returnTo, headers: headers)
    }

    func logout(_ request: Request) async -> Response {
        await form(request, needs: Set(UIRole.allCases)) { session, _ in
            let everywhere = await sessions.end(session)
            let text = everywhere ? "You are signed out of Gatehouse."
                : "You are signed out of this Gatehouse instance, but the shared store could not be reached, so your session may stay "
                    + "valid on other instances until it expires (\(UTCTimestamp.string(from: session.expiresAt) ?? "")). Sign in and out again "
                    + "once the store is back, or close the browser."
            let page = UILayout.message(status: everywhere ? .ok : .serviceUnavailable, title: "Signed out", session: nil, text: text,
                                        link: (Self.basePath + "/login", "Sign in again"))
            var response = page
            response.headers.append(HTTPField(name: .setCookie, value: expiredCookie(Self.sessionCookie, path: "/")))
            return response
        }
    }

    /// Records the sign-in as an authentication event of its own (`ui-<uuid>`, never the
    /// cookie's session ID); true once it is durable. Without a recorder, nothing to wait for.
    @discardableResult
    private func recordSignIn(_ principal: Principal?, refusal: String?, request: Request, logger: Logger) async -> Bool {
        guard let recorder else { return true }
        let event = GatehouseEvent(
            time: now(), sessionID: "ui-" + UUID().uuidString.lowercased(), connection: nil, principal: principal,
            payload: .authentication(.init(accepted: refusal == nil, reason: refusal, clientAddress: nil,
                                           clientApplication: Self.signInApplication)))
        do {
            try await recorder.record([event])
            return true
        } catch {
            logger.error("web UI sign-in could not be recorded", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The `clientApplication` of sign-in events, so the ledger tells them from database logins.
    static let signInApplication = "gatehouse web UI"

    private func sessionFailure(_ failure: UISessionStore.Failure, logger: Logger) -> Response {
        switch failure {
        case .alreadyUsed:
            return signInFailed("This sign-in was already used.")
        case .storeUnavailable(let reason):
            logger.error("web UI sign-in: the shared store cannot be reached", metadata: ["error": "\(reason)"])
            return UILayout.message(status: .serviceUnavailable, title: "Sign-in not stored", session: nil, text:
                "Your sign-in could not be stored where every Gatehouse instance finds it, so it was not accepted. Try again; the operator's log has details.",
                link: (Self.basePath + "/login", "Start again"))
        }
    }

    private func signInFailed(_ text: String) -> Response {
        UILayout.message(status: .badRequest, title: "Sign-in failed", session: nil, text: text + " Nothing was signed in.",
                         link: (Self.basePath + "/login", "Start again"))
    }

    private func expiredCookie(_ name: String, path: String) -> String {
        Cookie(name: name, value: "", maxAge: 0, path: path, secure: secureCookies, httpOnly: true, sameSite: .lax).description
    }

    /// Only a path inside the UI is a place to return to (no open redirects to other sites).
    static func localPath(_ candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix(basePath), !candidate.hasPrefix("//"),
              !candidate.contains("\\"), !candidate.contains("://") else { return nil }
        return candidate
    }
}
