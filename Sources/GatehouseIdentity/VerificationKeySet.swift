import Foundation
import Logging

/// An issuer's published keys, with the rules for picking the one that verifies a token.
struct VerificationKeySet: Sendable {
    struct Entry: Sendable {
        let published: JSONWebKey
        /// Nil when JWTKit refused the key material or the key fits no supported algorithm.
        let key: VerificationKey?
    }

    enum Selection {
        case found(VerificationKey)
        /// No key with this `kid` (or, without a `kid`, no key for the algorithm): a refetch may help.
        case notFound
        /// The `kid` exists but cannot verify this algorithm.
        case unsuitable
        /// No `kid`, and several keys would fit.
        case ambiguous
    }

    let entries: [Entry]

    /// Decodes a JWKS document and prepares every key that fits a supported algorithm.
    init(jwks bytes: [UInt8], logger: Logger) async throws {
        let document = try JSONDecoder().decode(JSONWebKeySet.self, from: Data(bytes))
        var entries: [Entry] = []
        for published in document.keys {
            var key: VerificationKey?
            if let algorithm = published.impliedAlgorithm, published.canVerify(algorithm) {
                do {
                    key = try await VerificationKey(published, algorithm: algorithm)
                } catch {
                    logger.warning(
                        "ignoring unusable key in JWKS",
                        metadata: ["kid": "\(ClientSafeText.echo(published.kid ?? ""))", "error": "\(error)"])
                }
            }
            entries.append(Entry(published: published, key: key))
        }
        self.entries = entries
    }

    var usableKeyCount: Int { entries.filter { $0.key != nil }.count }

    func select(keyID: String?, algorithm: SigningAlgorithm) -> Selection {
        if let keyID {
            let candidates = entries.filter { $0.published.kid == keyID }
            if candidates.isEmpty { return .notFound }
            // A key is only prepared for the algorithm its published members allow.
            if let key = candidates.compactMap(\.key).first(where: { $0.algorithm == algorithm }) { return .found(key) }
            return .unsuitable
        }
        let fitting = entries.compactMap { $0.key?.algorithm == algorithm ? $0.key : nil }
        switch fitting.count {
        case 0: return .notFound
        case 1: return .found(fitting[0])
        default: return .ambiguous
        }
    }
}
