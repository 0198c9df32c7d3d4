import Foundation

/// Web UI sign-ins shared by several gateway instances (the PostgreSQL store,
/// docs/deployment.md): a session started on one instance is valid on every one, and signing
/// out ends it on every one. The store holds a digest of each session's ID, never the ID the
/// browser's cookie carries.
public protocol SharedSignIns: AnyObject, Sendable {
    /// Connects and starts listening: `changes` hears (on the store's own thread) every sign-in
    /// and sign-out on any instance, and after the store was out of reach, every session in
    /// force. Returns the sessions in force now.
    func start(_ changes: @escaping @Sendable (SharedSignInChange) -> Void) throws -> [SharedSignIn]
    /// Stores a new session (before its cookie is set).
    func store(_ signIn: SharedSignIn) async throws
    /// Ends a session on every instance.
    func end(idDigest: String) async throws
    /// A session this instance has not heard of yet (it was made a moment ago elsewhere), if in force.
    func signIn(idDigest: String) async throws -> SharedSignIn?
    /// Claims a completed sign-in's `state` for good: false when an instance already did.
    func claim(stateDigest: String, until: Date) async throws -> Bool
    func close()
}

/// A signed-in browser session as the store holds it.
public struct SharedSignIn: Sendable, Hashable, Codable {
    /// SHA-256 of the session ID (hex).
    public var idDigest: String
    public var principal: Principal
    public var roles: [String]
    public var csrfToken: String
    public var expiresAt: Date

    public init(idDigest: String, principal: Principal, roles: [String], csrfToken: String, expiresAt: Date) {
        self.idDigest = idDigest
        self.principal = principal
        self.roles = roles
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

public enum SharedSignInChange: Sendable {
    case signedIn(SharedSignIn)
    case signedOut(idDigest: String)
    /// Every session in force: heard again after the store was out of reach.
    case all([SharedSignIn])
}
