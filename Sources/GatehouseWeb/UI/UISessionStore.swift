import Crypto
import Foundation
import GatehouseCore
import GatehouseIdentity

/// Signed-in browser sessions. Session IDs and CSRF tokens are 256-bit random values; sessions
/// are found by the SHA-256 of the ID, so nothing but the browser's cookie holds the ID itself.
/// Sign-ins in progress are kept in the browser (`UISignInCookie`).
///
/// Alone, an instance keeps sessions in memory: a restart signs everyone out, which is the safe
/// direction. With a shared store (`shared`), sessions are stored there before their cookie is
/// set, every instance keeps a copy of the ones in force (kept current by the store's
/// announcements, and looked up in the store when one arrives before its announcement), and a
/// completed sign-in's `state` is claimed there, so it is honoured once across all instances.
final class UISessionStore: @unchecked Sendable {
    struct Session: Sendable, Equatable {
        /// SHA-256 of the session ID (hex).
        let idDigest: String
        let principal: Principal
        let roles: Set<UIRole>
        /// Every form carries it; a post without it is refused (synchroniser-token CSRF defence).
        let csrfToken: String
        let expiresAt: Date
    }

    /// Why a sign-in could not be completed.
    enum Failure: Error {
        case alreadyUsed
        case storeUnavailable(String)
    }

    let signIns: UISignInCookie
    let sessionLifetime: TimeInterval
    private let shared: SharedSignIns?

    private let lock = NSLock()
    /// States of sign-ins completed in the last `UISignInCookie.lifetime`, when alone: a callback
    /// is honoured once. Only successful sign-ins add to it, so strangers cannot grow it.
    private var usedStates: [String: Date] = [:]
    private var sessions: [String: Session] = [:]
    /// Store lookups of cookies this instance does not know: at most this many a second.
    private var lookups = LookupBudget(perSecond: 20)

    init(sessionLifetime: TimeInterval, signIns: UISignInCookie = UISignInCookie(), shared: SharedSignIns? = nil) {
        self.sessionLifetime = sessionLifetime
        self.signIns = signIns
        self.shared = shared
    }

    /// Takes in the sessions the shared store holds and follows its changes (nothing when alone).
    func startSharing() throws {
        guard let shared else { return }
        let current = try shared.start { [weak self] change in self?.heard(change) }
        locked { for signIn in current { remember(signIn) } }
    }

    /// Marks a completed sign-in's state as used; `alreadyUsed` when it already was.
    func markUsed(_ pending: UISignInCookie.Pending, now: Date) async throws(Failure) {
        if let shared {
            let claimed: Bool
            do {
                claimed = try await shared.claim(stateDigest: Self.digest(pending.state), until: pending.expiresAt)
            } catch {
                throw .storeUnavailable("\(error)")
            }
            guard claimed else { throw .alreadyUsed }
            return
        }
        let fresh = locked {
            usedStates = usedStates.filter { $0.value > now }
            guard usedStates[pending.state] == nil else { return false }
            usedStates[pending.state] = pending.expiresAt
            return true
        }
        guard fresh else { throw .alreadyUsed }
    }

    /// A new session, stored (with a shared store, there first); returns the cookie's value with it.
    func create(principal: Principal, roles: Set<UIRole>, now: Date) async throws(Failure) -> (id: String, session: Session) {
        let id = PKCE.randomToken()
        let session = Session(idDigest: Self.digest(id), principal: principal, roles: roles, csrfToken: PKCE.randomToken(),
                              expiresAt: now.addingTimeInterval(sessionLifetime))
        if let shared {
            do {
                try await shared.store(SharedSignIn(idDigest: session.idDigest, principal: principal, roles: roles.map(\.rawValue).sorted(),
                                                    csrfToken: session.csrfToken, expiresAt: session.expiresAt))
            } catch {
                throw .storeUnavailable("\(error)")
            }
        }
        locked {
            sessions = sessions.filter { $0.value.expiresAt > now }
            sessions[session.idDigest] = session
        }
        return (id, session)
    }

    /// The session a cookie names, if it is in force. With a shared store, one made elsewhere a
    /// moment ago is looked up there; a store that does not answer signs nobody in.
    func session(id: String, now: Date) async -> Session? {
        let digest = Self.digest(id)
        let known: Session? = locked {
            guard let session = sessions[digest] else { return nil }
            guard session.expiresAt > now else {
                sessions[digest] = nil
                return nil
            }
            return session
        }
        if let known { return known }
        // A cookie nobody here knows: ask the store, within a budget, so strangers sending
        // made-up cookies cannot turn every request into a store query (over budget: signed out).
        guard let shared, locked({ lookups.take(now: now) }),
              let stored = try? await shared.signIn(idDigest: digest), stored.expiresAt > now else { return nil }
        return locked { remember(stored) }
    }

    /// Ends the session here at once and, with a shared store, everywhere; false when the store
    /// could not be told (the session then stays valid on other instances until it expires).
    func end(_ session: Session) async -> Bool {
        locked { sessions[session.idDigest] = nil }
        guard let shared else { return true }
        do {
            try await shared.end(idDigest: session.idDigest)
            return true
        } catch {
            return false
        }
    }

    // MARK: - The shared store's news

    private func heard(_ change: SharedSignInChange) {
        locked {
            switch change {
            case .signedIn(let signIn):
                remember(signIn)
            case .signedOut(let digest):
                sessions[digest] = nil
            case .all(let current):
                sessions = [:]
                for signIn in current { remember(signIn) }
            }
        }
    }

    /// Under the lock. Roles this gateway does not know are dropped (never widened).
    @discardableResult
    private func remember(_ signIn: SharedSignIn) -> Session {
        let session = Session(idDigest: signIn.idDigest, principal: signIn.principal, roles: Set(signIn.roles.compactMap(UIRole.init)),
                              csrfToken: signIn.csrfToken, expiresAt: signIn.expiresAt)
        sessions[signIn.idDigest] = session
        return session
    }

    static func digest(_ value: String) -> String {
        hexString(SHA256.hash(data: Data(value.utf8)))
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// A token bucket: `perSecond` takes a second, refilled continuously, at most `perSecond` saved.
struct LookupBudget {
    let perSecond: Double
    private var tokens: Double
    private var last: Date?

    init(perSecond: Double) {
        self.perSecond = perSecond
        tokens = perSecond
    }

    mutating func take(now: Date) -> Bool {
        if let last { tokens = min(perSecond, tokens + max(0, now.timeIntervalSince(last)) * perSecond) }
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
