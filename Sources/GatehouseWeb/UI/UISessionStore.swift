import Foundation
import GatehouseCore
import GatehouseIdentity

/// Signed-in browser sessions and sign-ins in progress, in memory: a restart signs everyone
/// out, which is the safe direction. Session IDs and CSRF tokens are 256-bit random values.
final class UISessionStore: @unchecked Sendable {
    struct Session: Sendable, Equatable {
        let id: String
        let principal: Principal
        let roles: Set<UIRole>
        /// Every form carries it; a post without it is refused (synchroniser-token CSRF defence).
        let csrfToken: String
        let expiresAt: Date
    }

    /// A sign-in between the redirect to the provider and its callback.
    struct PendingLogin: Sendable, Equatable {
        let state: String
        let codeVerifier: String
        let nonce: String
        /// A `/ui` path to return to after sign-in.
        let returnTo: String
        let expiresAt: Date
    }

    static let loginLifetime: TimeInterval = 600
    /// Bounds memory if someone loops on /ui/login.
    static let maximumPendingLogins = 10_000

    private let lock = NSLock()
    private var sessions: [String: Session] = [:]
    private var logins: [String: PendingLogin] = [:]
    let sessionLifetime: TimeInterval

    init(sessionLifetime: TimeInterval) {
        self.sessionLifetime = sessionLifetime
    }

    func beginLogin(returnTo: String, now: Date) -> PendingLogin {
        let login = PendingLogin(state: PKCE.randomToken(), codeVerifier: PKCE.makeVerifier(), nonce: PKCE.randomToken(),
                                 returnTo: returnTo, expiresAt: now.addingTimeInterval(Self.loginLifetime))
        locked {
            if logins.count >= Self.maximumPendingLogins { logins = logins.filter { $0.value.expiresAt > now } }
            if logins.count >= Self.maximumPendingLogins, let oldest = logins.min(by: { $0.value.expiresAt < $1.value.expiresAt }) {
                logins[oldest.key] = nil
            }
            logins[login.state] = login
        }
        return login
    }

    /// The pending sign-in for `state`, removed: a callback is honoured once.
    func takeLogin(state: String, now: Date) -> PendingLogin? {
        locked {
            guard let login = logins.removeValue(forKey: state), login.expiresAt > now else { return nil }
            return login
        }
    }

    func create(principal: Principal, roles: Set<UIRole>, now: Date) -> Session {
        let session = Session(id: PKCE.randomToken(), principal: principal, roles: roles, csrfToken: PKCE.randomToken(),
                              expiresAt: now.addingTimeInterval(sessionLifetime))
        locked {
            sessions = sessions.filter { $0.value.expiresAt > now }
            sessions[session.id] = session
        }
        return session
    }

    func session(id: String, now: Date) -> Session? {
        locked {
            guard let session = sessions[id] else { return nil }
            guard session.expiresAt > now else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    func end(id: String) {
        locked { sessions[id] = nil }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
