import Foundation
import Logging

/// Fetches an issuer's discovery document (when its JWKS URL is not yet known) and its JWKS,
/// turning every failure into a client-safe ``TokenValidationError``.
struct KeySetLoader: Sendable {
    let configuration: IssuerConfiguration
    let fetcher: any DocumentFetcher
    let logger: Logger

    struct Loaded: Sendable {
        let jwksURL: URL
        let keySet: VerificationKeySet
    }

    func load(knownJWKSURL: URL?) async -> Result<Loaded, TokenValidationError> {
        let jwksURL: URL
        if let knownJWKSURL {
            jwksURL = knownJWKSURL
        } else {
            switch await discoverJWKSURL() {
            case .success(let url): jwksURL = url
            case .failure(let error): return .failure(error)
            }
        }
        let bytes: [UInt8]
        do {
            bytes = try await fetcher.fetchDocument(from: jwksURL)
        } catch {
            logger.warning("JWKS fetch failed", metadata: ["url": "\(jwksURL)", "error": "\(error)"])
            return .failure(.keysUnavailable("\(error)"))
        }
        do {
            let keySet = try await VerificationKeySet(jwks: bytes, logger: logger)
            logger.info("fetched JWKS", metadata: ["url": "\(jwksURL)", "usable_keys": "\(keySet.usableKeyCount)"])
            return .success(Loaded(jwksURL: jwksURL, keySet: keySet))
        } catch {
            logger.warning("JWKS is not a key set", metadata: ["url": "\(jwksURL)"])
            return .failure(.keysUnavailable("the document at \(jwksURL.absoluteString) is not a JWKS (a JSON object with a keys array)"))
        }
    }

    private func discoverJWKSURL() async -> Result<URL, TokenValidationError> {
        let discoveryURL: URL
        switch FetchURLPolicy.check(configuration.effectiveDiscoveryURL) {
        case .success(let url): discoveryURL = url
        case .failure(let refusal): return .failure(.discoveryFailed("the discovery URL \(refusal)"))
        }
        let bytes: [UInt8]
        do {
            bytes = try await fetcher.fetchDocument(from: discoveryURL)
        } catch {
            logger.warning("discovery fetch failed", metadata: ["url": "\(discoveryURL)", "error": "\(error)"])
            return .failure(.discoveryFailed("\(error)"))
        }
        switch DiscoveryDocument.jwksURL(from: bytes, expectedIssuer: configuration.issuer) {
        case .success(let url):
            return .success(url)
        case .failure(let refusal):
            logger.warning("discovery document refused", metadata: ["url": "\(discoveryURL)", "reason": "\(refusal)"])
            return .failure(.discoveryFailed("\(discoveryURL.absoluteString): \(refusal)"))
        }
    }
}
