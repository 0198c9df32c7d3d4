import AsyncHTTPClient
import Foundation
import GatehouseCore
import Logging

/// Validates OIDC bearer tokens from any number of issuers and turns them into principals.
///
/// Order of checks: the token's shape (header and claims strict JSON, no member named twice);
/// its algorithm (never `none` or HMAC); its issuer, by the unverified `iss`, before any
/// network use; the issuer's algorithm allow-list; the key (from the issuer's JWKS, matched on
/// `kid` and checked against the algorithm); the signature (low-S for ECDSA); then `iss`,
/// `aud`, `exp`, `nbf` and `iat` with the issuer's leeway.
public final class TokenValidator: Sendable {
    private let stores: [String: IssuerKeyStore]
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// `devIssuer`'s documents are read in-process, not fetched: it is this process, and over a
    /// TLS listener its self-signed certificate would not verify.
    public convenience init(
        issuers: [IssuerConfiguration], httpClient: HTTPClient, logger: Logger, devIssuer: DevIssuer? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let network = HTTPDocumentFetcher(client: httpClient, logger: logger)
        let fetcher: any DocumentFetcher = devIssuer.map { issuer in
            InProcessDocumentFetcher(documents: [
                issuer.issuerConfiguration.effectiveDiscoveryURL: issuer.discoveryDocument(),
                issuer.jwksURL: issuer.jwksDocument(),
            ], network: network)
        } ?? network
        self.init(issuers: issuers, fetcher: fetcher, refreshPolicy: KeyRefreshPolicy(), logger: logger, now: now)
    }

    /// For tests: any document source and refresh timing.
    init(
        issuers: [IssuerConfiguration], fetcher: any DocumentFetcher, refreshPolicy: KeyRefreshPolicy,
        logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        var stores: [String: IssuerKeyStore] = [:]
        for configuration in issuers {
            guard stores[configuration.issuer] == nil else {
                logger.warning("issuer configured twice; using the first", metadata: ["issuer": "\(configuration.issuer)"])
                continue
            }
            let ignored = configuration.algorithms.filter { SigningAlgorithm(rawValue: $0) == nil }
            if !ignored.isEmpty {
                logger.warning(
                    "ignoring unsupported algorithms", metadata: ["issuer": "\(configuration.issuer)", "algorithms": "\(ignored)"])
            }
            stores[configuration.issuer] = IssuerKeyStore(
                configuration: configuration, fetcher: fetcher, policy: refreshPolicy, logger: logger, now: now)
        }
        self.stores = stores
        self.logger = logger
        self.now = now
    }

    /// The principal behind a valid token, and the token's expiry; throws
    /// ``TokenValidationError`` otherwise.
    public func validatedToken(_ token: String) async throws -> ValidatedToken {
        try await logged { () async throws(TokenValidationError) in try await self.verified(token).token }
    }

    /// The principal behind a valid token; throws ``TokenValidationError`` otherwise.
    public func validate(_ token: String) async throws -> Principal {
        try await validatedToken(token).principal
    }

    /// The principal behind an ID token from a login this gateway started: everything
    /// ``validate(_:)`` checks, the `aud`/`azp` rule for ID tokens (``AuthorizedPartyCheck``),
    /// and the `nonce` claim must equal the login's `nonce` (OIDC Core §3.1.3.7), so a token
    /// captured from another login cannot be replayed into this one.
    public func validateIDToken(_ token: String, nonce: String) async throws -> Principal {
        try await logged { () async throws(TokenValidationError) in
            let verified = try await self.verified(token)
            try AuthorizedPartyCheck.check(verified.claims, configuration: verified.configuration)
            guard let claimed = try verified.claims.optionalString("nonce"), ConstantTime.equals(claimed, nonce) else {
                throw .nonceMismatch
            }
            return verified.token
        }.principal
    }

    private func logged(_ body: () async throws(TokenValidationError) -> ValidatedToken) async throws(TokenValidationError) -> ValidatedToken {
        do {
            let token = try await body()
            logger.debug("token accepted", metadata: ["issuer": "\(token.principal.issuer)", "subject": "\(token.principal.subject)"])
            return token
        } catch {
            logger.debug("token refused", metadata: ["reason": "\(error.description)"])
            throw error
        }
    }

    /// The validated token, its claims and its issuer's configuration, after every check shared
    /// by access and ID tokens.
    private func verified(_ token: String) async throws(TokenValidationError)
        -> (token: ValidatedToken, claims: [String: JSONValue], configuration: IssuerConfiguration)
    {
        let jws = try CompactJWS(parsing: token)
        guard let algorithm = SigningAlgorithm(rawValue: jws.header.algorithm) else {
            throw .algorithmNotAllowed(ClientSafeText.echo(jws.header.algorithm))
        }
        let issuer = try jws.claims.requiredString("iss")
        guard let store = stores[issuer] else { throw .unknownIssuer(ClientSafeText.echo(issuer)) }
        let configuration = store.configuration
        guard configuration.allowedAlgorithms.contains(algorithm) else { throw .algorithmNotAllowed(algorithm.rawValue) }
        let key = try await store.key(for: jws.header.keyID, algorithm: algorithm)
        try await key.verifySignature(of: jws)
        let expiresAt = try ClaimChecks(configuration: configuration, now: now()).check(jws.claims)
        let principal = try PrincipalMapping.principal(from: jws.claims, groupsClaim: configuration.groupsClaim)
        return (ValidatedToken(principal: principal, expiresAt: expiresAt), jws.claims, configuration)
    }
}
