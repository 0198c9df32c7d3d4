import Foundation

/// What a redeemed authorization code stands for: who signed in, and the nonce to put in the
/// ID token.
public struct DevIssuerAuthorization: Sendable, Equatable {
    public var subject: String
    public var username: String?
    public var groups: [String]
    public var clientID: String
    public var nonce: String?
}

/// Why a code was not redeemed, with the RFC 6749 §5.2 error code the token endpoint answers.
public struct DevIssuerAuthorizationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `invalid_grant`, `invalid_request`...
    public let code: String
    /// A sentence for `error_description`; never contains the code or verifier.
    public let reason: String

    public var description: String { "\(code): \(reason)" }

    static func invalidGrant(_ reason: String) -> Self { Self(code: "invalid_grant", reason: reason) }
}

/// The dev issuer's one-time authorization codes (RFC 6749 §4.1 with PKCE, RFC 7636 S256).
/// A code lives 60 s and is removed on its first redemption attempt, successful or not, so a
/// stolen or guessed code is worth at most one try.
public final class DevIssuerAuthorizations: @unchecked Sendable {
    public static let lifetimeSeconds: TimeInterval = 60

    private struct Pending {
        var authorization: DevIssuerAuthorization
        var redirectURI: String
        var codeChallenge: String
        var expiresAt: Date
    }

    private let lock = NSLock()
    private var pending: [String: Pending] = [:]

    public init() {}

    /// Records a sign-in and returns its code (32 random bytes, base64url).
    public func issue(
        subject: String, username: String?, groups: [String], clientID: String, redirectURI: String,
        codeChallenge: String, nonce: String?, now: Date = Date()
    ) -> String {
        let code = PKCE.randomToken()
        let entry = Pending(
            authorization: DevIssuerAuthorization(subject: subject, username: username, groups: groups, clientID: clientID, nonce: nonce),
            redirectURI: redirectURI, codeChallenge: codeChallenge, expiresAt: now.addingTimeInterval(Self.lifetimeSeconds))
        lock.withLock {
            // Expired codes are dropped here, so abandoned logins do not accumulate.
            pending = pending.filter { $0.value.expiresAt > now }
            pending[code] = entry
        }
        return code
    }

    /// The sign-in behind `code`, if the client, redirect URI and PKCE verifier match the
    /// authorization request and the code is unexpired and unused.
    public func redeem(
        code: String, clientID: String, redirectURI: String, codeVerifier: String, now: Date = Date()
    ) throws(DevIssuerAuthorizationError) -> DevIssuerAuthorization {
        guard let entry = lock.withLock({ pending.removeValue(forKey: code) }) else {
            throw .invalidGrant("the authorization code is unknown or was already used")
        }
        guard now < entry.expiresAt else { throw .invalidGrant("the authorization code has expired") }
        guard entry.authorization.clientID == clientID else {
            throw .invalidGrant("the authorization code was issued to another client_id")
        }
        guard entry.redirectURI == redirectURI else {
            throw .invalidGrant("the redirect_uri differs from the one in the authorization request")
        }
        guard PKCE.verifier(codeVerifier, matches: entry.codeChallenge) else {
            throw .invalidGrant("the code_verifier does not match the code_challenge (S256)")
        }
        return entry.authorization
    }
}
