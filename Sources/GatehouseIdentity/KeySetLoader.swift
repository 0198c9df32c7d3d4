import Foundation
import Logging

/// Fetches an issuer's discovery document (when its JWKS URL is not yet known) and its JWKS,
/// turning every failure into a client-safe ``TokenValidationError``.
struct KeySetLoader: Sendable {
    let configuration: IssuerConfiguration
    let fetcher: any DocumentFetcher
    let logger: Logger

    struct Outcome: Sendable {
        /// Known once discovery succeeded, even if the JWKS fetch then failed: discovery is
        /// done once per issuer, not again on every retry.
        let jwksURL: URL?
        let keySet: Result<VerificationKeySet, TokenValidationError>
    }

    func load(knownJWKSURL: URL?) async -> Outcome {
        let jwksURL: URL
        if let knownJWKSURL {
            jwksURL = knownJWKSURL
        } else {
            switch await discoverJWKSURL() {
            case .success(let url): jwksURL = url
            case .failure(let error): return Outcome(jwksURL: nil, keySet: .failure(error))
            }
        }
        return Outcome(jwksURL: jwksURL, keySet: await loadKeySet(from: jwksURL))
    }

    private func loadKeySet(from jwksURL: URL) async -> Result<VerificationKeySet, TokenValidationError> {
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
            return .success(keySet)
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
