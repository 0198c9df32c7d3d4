import Foundation

@testable import GatehouseIdentity

/// An in-memory identity provider for unit tests: serves a discovery document and a JWKS,
/// counts every fetch, can fail or hold fetches.
final class FakeIdentityProvider: DocumentFetcher, @unchecked Sendable {
    let issuer: String
    private let lock = NSLock()
    private var documents: [String: [UInt8]] = [:]
    private var failing: Set<String> = []
    private var counts: [String: Int] = [:]
    private var holding = false
    private var held: [CheckedContinuation<Void, Never>] = []

    init(issuer: String, jwks: [UInt8]) {
        self.issuer = issuer
        setDiscovery(TestJSON.encode(["issuer": issuer, "jwks_uri": jwksURL]))
        setJWKS(jwks)
    }

    /// A provider serving the dev issuer's own documents.
    convenience init(devIssuer: DevIssuer) {
        self.init(issuer: devIssuer.issuerURL, jwks: devIssuer.jwksDocument())
        setDiscovery(devIssuer.discoveryDocument())
    }

    var discoveryURL: String { issuer + "/.well-known/openid-configuration" }
    var jwksURL: String { issuer + "/jwks" }

    func setDiscovery(_ bytes: [UInt8]) { serve(bytes, at: discoveryURL) }
    func setJWKS(_ bytes: [UInt8]) { serve(bytes, at: jwksURL) }
    func serve(_ bytes: [UInt8], at url: String) { lock.withLock { documents[url] = bytes } }
    func setFailing(_ url: String, _ isFailing: Bool) {
        lock.withLock { if isFailing { failing.insert(url) } else { failing.remove(url) } }
    }

    func fetchCount(_ url: String) -> Int { lock.withLock { counts[url, default: 0] } }
    var discoveryFetches: Int { fetchCount(discoveryURL) }
    var jwksFetches: Int { fetchCount(jwksURL) }
    var totalFetches: Int { lock.withLock { counts.values.reduce(0, +) } }

    /// Fetches wait until ``releaseFetches()``.
    func holdFetches() { lock.withLock { holding = true } }
    var heldFetches: Int { lock.withLock { held.count } }
    func releaseFetches() {
        let waiting = lock.withLock {
            holding = false
            defer { held = [] }
            return held
        }
        waiting.forEach { $0.resume() }
    }

    func fetchDocument(from url: URL) async throws -> [UInt8] {
        let key = url.absoluteString
        lock.withLock { counts[key, default: 0] += 1 }
        await withCheckedContinuation { continuation in
            let mustWait = lock.withLock {
                if holding { held.append(continuation) }
                return holding
            }
            if !mustWait { continuation.resume() }
        }
        return try lock.withLock {
            if failing.contains(key) { throw FetchFailure("GET \(key) returned HTTP 503") }
            guard let document = documents[key] else { throw FetchFailure("GET \(key) returned HTTP 404") }
            return document
        }
    }
}
