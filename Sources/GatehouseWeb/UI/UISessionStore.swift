import Foundation
import GatehouseCore
import GatehouseIdentity

/// Signed-in browser sessions, in memory: a restart signs everyone out, which is the safe
/// direction. Session IDs and CSRF tokens are 256-bit random values. Sign-ins in progress are
/// kept in the browser (`UISignInCookie`).
final class UISessionStore: @unchecked Sendable {
    let signIns = UISignInCookie()
    struct Session: Sendable, Equatable {
        let id: String
        let principal: Principal
        let roles: Set<UIRole>
        /// Every form carries it; a post without it is refused (synchroniser-token CSRF defence).
        let csrfToken: String
        let expiresAt: Date
    }

    private let lock = NSLock()
    /// States of sign-ins completed in the last `UISignInCookie.lifetime`: a callback is honoured
    /// once. Only successful sign-ins add to it, so strangers cannot grow it.
    private var usedStates: [String: Date] = [:]
    private var sessions: [String: Session] = [:]
    let sessionLifetime: TimeInterval

    init(sessionLifetime: TimeInterval) {
        self.sessionLifetime = sessionLifetime
    }

    /// Marks a completed sign-in's state as used; false when it already was.
    func markUsed(_ pending: UISignInCookie.Pending, now: Date) -> Bool {
        locked {
            usedStates = usedStates.filter { $0.value > now }
            guard usedStates[pending.state] == nil else { return false }
            usedStates[pending.state] = pending.expiresAt
            return true
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
