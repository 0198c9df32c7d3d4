import Foundation
import Logging

/// One issuer's keys: discovery once, the JWKS cached, refetched on an unknown `kid` or when
/// old (rate-limited by ``KeyRefreshPolicy``), with concurrent validations sharing a single
/// in-flight fetch.
actor IssuerKeyStore {
    let configuration: IssuerConfiguration
    private let loader: KeySetLoader
    private let policy: KeyRefreshPolicy
    private let logger: Logger
    private let now: @Sendable () -> Date

    private var jwksURL: URL?
    private var keySet: VerificationKeySet?
    private var fetchedAt: Date?
    private var lastAttempt: Date?
    private var lastFailure: TokenValidationError?
    private var inFlight: Task<KeySetLoader.Outcome, Never>?

    init(
        configuration: IssuerConfiguration, fetcher: any DocumentFetcher, policy: KeyRefreshPolicy,
        logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "issuer"] = "\(configuration.issuer)"
        self.loader = KeySetLoader(configuration: configuration, fetcher: fetcher, logger: logger)
        self.policy = policy
        self.logger = logger
        self.now = now
    }

    /// The key that must verify a token with this `kid` (optional) and algorithm.
    func key(for keyID: String?, algorithm: SigningAlgorithm) async throws(TokenValidationError) -> VerificationKey {
        var keys = try await currentKeys()
        if case .notFound = keys.select(keyID: keyID, algorithm: algorithm) {
            // Perhaps the issuer rotated its keys since the last fetch.
            switch await fetchIfAllowed(reason: "unknown kid") {
            case .success(let fetched)?: keys = fetched
            case .failure(let error)?: throw error
            case nil: if let lastFailure { throw lastFailure }
            }
        }
        switch keys.select(keyID: keyID, algorithm: algorithm) {
        case .found(let key): return key
        case .notFound:
            if let keyID { throw .unknownKey(ClientSafeText.echo(keyID)) }
            throw .noKeyForAlgorithm(algorithm.rawValue)
        case .unsuitable: throw .keyAlgorithmMismatch(keyID: ClientSafeText.echo(keyID ?? ""), algorithm: algorithm.rawValue)
        case .ambiguous: throw .keyIDRequired
        }
    }

    /// The cached keys, fetched first if there are none yet or they are due for a refresh.
    /// A failed refresh falls back to cached keys that are not yet too old to trust.
    private func currentKeys() async throws(TokenValidationError) -> VerificationKeySet {
        if let keySet, let fetchedAt, !policy.isDueForRefresh(fetchedAt: fetchedAt, now: now()) {
            return keySet
        }
        switch await fetchIfAllowed(reason: keySet == nil ? "first use" : "keys due for refresh") {
        case .success(let fetched)?:
            return fetched
        case .failure(let error)?:
            guard let usable = usableCachedKeys() else { throw error }
            logger.warning("key refresh failed; using cached keys", metadata: ["error": "\(error)"])
            return usable
        case nil:
            if let usable = usableCachedKeys() { return usable }
            throw lastFailure ?? .keysUnavailable("the keys were fetched moments ago; retry shortly")
        }
    }

    /// Joins the running fetch, or starts one if the rate limit allows; nil when it doesn't.
    private func fetchIfAllowed(reason: String) async -> Result<VerificationKeySet, TokenValidationError>? {
        if let inFlight { return await inFlight.value.keySet }
        guard policy.mayFetch(now: now(), lastAttempt: lastAttempt) else { return nil }
        logger.debug("fetching issuer keys", metadata: ["reason": "\(reason)"])
        lastAttempt = now()
        // An unstructured task: a caller that is cancelled must not cancel the fetch others wait on.
        let task = Task { [loader, jwksURL] in await loader.load(knownJWKSURL: jwksURL) }
        inFlight = task
        let outcome = await task.value
        inFlight = nil
        jwksURL = outcome.jwksURL ?? jwksURL
        switch outcome.keySet {
        case .success(let fetched):
            keySet = fetched
            fetchedAt = now()
            lastFailure = nil
        case .failure(let error):
            lastFailure = error
        }
        return outcome.keySet
    }

    /// The cached keys unless they are older than the policy's maximum age (fail closed).
    private func usableCachedKeys() -> VerificationKeySet? {
        guard let keySet, let fetchedAt, !policy.isExpired(fetchedAt: fetchedAt, now: now()) else { return nil }
        return keySet
    }
}
