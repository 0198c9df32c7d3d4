import Crypto
import Foundation
import GatehouseCore
import GatehouseIdentity

/// A sign-in between the redirect to the provider and its callback, kept in the browser: sealed
/// (AES-256-GCM, a key made at start) into the sign-in cookie rather than held in a table the
/// gateway shares with everyone. So no number of `GET /ui/login` requests can push out a real
/// user's pending sign-in, and the gateway holds no state per sign-in at all.
struct UISignInCookie: Sendable {
    struct Pending: Sendable, Equatable, Codable {
        let state: String
        let codeVerifier: String
        let nonce: String
        /// A `/ui` path to return to after sign-in.
        let returnTo: String
        let expiresAt: Date
    }

    static let lifetime: TimeInterval = 600
    private let key: SymmetricKey

    init(key: SymmetricKey = SymmetricKey(size: .bits256)) { self.key = key }

    /// A new sign-in and the cookie value that carries it.
    func begin(returnTo: String, now: Date) -> (Pending, String) {
        let pending = Pending(state: PKCE.randomToken(), codeVerifier: PKCE.makeVerifier(), nonce: PKCE.randomToken(), returnTo: returnTo,
                              expiresAt: now.addingTimeInterval(Self.lifetime))
        // Encoding and sealing a value of this type cannot fail; the force is on the key's contract.
        let sealed = try! AES.GCM.seal(try! JSONEncoder().encode(pending), using: key).combined!
        return (pending, Base64URL.encode(sealed))
    }

    /// The sign-in this browser started, if the cookie opens with this gateway's key, is not
    /// expired, and names the `state` the provider sent back.
    func open(_ cookie: String, state: String, now: Date) -> Pending? {
        guard let bytes = Base64URL.decode(cookie), let box = try? AES.GCM.SealedBox(combined: bytes),
              let plain = try? AES.GCM.open(box, using: key), let pending = try? JSONDecoder().decode(Pending.self, from: plain),
              pending.expiresAt > now, ConstantTime.equals(pending.state, state)
        else { return nil }
        return pending
    }
}
