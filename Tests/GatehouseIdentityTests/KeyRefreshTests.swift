import Foundation
import Testing

@testable import GatehouseIdentity

@Suite struct KeyRefreshTests {
    let clock = TestClock()
    let issuer: DevIssuer
    let provider: FakeIdentityProvider
    let validator: TokenValidator

    init() {
        (issuer, provider) = makeDevIssuerSetup()
        validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
    }

    func claims() -> [String: Any] { standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date) }
    func devToken() throws -> String { try issuer.mintToken(subject: "alice", groups: [], ttlSeconds: 3600, now: clock.date) }
    func bogusToken(kid: String) throws -> String { try TestSigningKey.es256(kid: kid).token(claims: claims()) }

    @Test func discoveryAndKeysAreFetchedOnceAndCached() async throws {
        for _ in 0..<3 { _ = try await validator.validate(devToken()) }
        #expect(provider.discoveryFetches == 1)
        #expect(provider.jwksFetches == 1)
    }

    @Test func unknownKidRefetchesAtMostOncePerTenSeconds() async throws {
        _ = try await validator.validate(devToken())
        #expect(provider.jwksFetches == 1)

        // Moments after a fetch, an unknown kid does not trigger another.
        #expect(await refusal(validator, try bogusToken(kid: "bogus-0")) == .unknownKey("bogus-0"))
        #expect(provider.jwksFetches == 1)

        clock.advance(by: 11)
        #expect(await refusal(validator, try bogusToken(kid: "bogus-1")) == .unknownKey("bogus-1"))
        #expect(provider.jwksFetches == 2, "an unknown kid refetches the JWKS once")

        clock.advance(by: 4)
        #expect(await refusal(validator, try bogusToken(kid: "bogus-2")) == .unknownKey("bogus-2"))
        #expect(provider.jwksFetches == 2, "a second unknown kid within 10 s must not refetch")

        clock.advance(by: 7)
        #expect(await refusal(validator, try bogusToken(kid: "bogus-3")) == .unknownKey("bogus-3"))
        #expect(provider.jwksFetches == 3, "after 10 s an unknown kid may refetch again")
        #expect(provider.discoveryFetches == 1, "discovery is fetched once")
    }

    @Test func aRotatedKeyIsPickedUpByTheRefetch() async throws {
        _ = try await validator.validate(devToken())
        let next = TestSigningKey.es256(kid: "next-key")
        provider.setJWKS(jwks([TestSigningKey(devIssuer: issuer), next]))
        clock.advance(by: 11)
        #expect(try await validator.validate(next.token(claims: claims())).subject == "alice")
        #expect(provider.jwksFetches == 2)
        #expect(try await validator.validate(devToken()).subject == "alice", "the old key is still published")
    }

    @Test func concurrentValidationsShareOneFetch() async throws {
        provider.holdFetches()
        let tokens = try (0..<20).map { _ in try devToken() }
        async let results = withTaskGroup(of: Bool.self) { group in
            for token in tokens { group.addTask { (try? await validator.validate(token)) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        try await waitUntil { provider.heldFetches == 1 }
        try await Task.sleep(for: .milliseconds(200))  // let every validation reach the key store
        #expect(provider.discoveryFetches == 1)
        provider.releaseFetches()
        let accepted = await results
        #expect(accepted.count == 20)
        #expect(accepted.allSatisfy { $0 })
        #expect(provider.discoveryFetches == 1)
        #expect(provider.jwksFetches == 1)
    }

    @Test func concurrentUnknownKidsShareOneRefetch() async throws {
        _ = try await validator.validate(devToken())
        clock.advance(by: 11)
        provider.holdFetches()
        let tokens = try (0..<10).map { try bogusToken(kid: "bogus-\($0)") }
        async let refusals = withTaskGroup(of: TokenValidationError?.self) { group in
            for token in tokens { group.addTask { await refusal(validator, token) } }
            return await group.reduce(into: [TokenValidationError?]()) { $0.append($1) }
        }
        try await waitUntil { provider.heldFetches == 1 }
        try await Task.sleep(for: .milliseconds(200))
        provider.releaseFetches()
        let errors = await refusals
        #expect(errors.count == 10)
        #expect(errors.allSatisfy { if case .unknownKey? = $0 { return true } else { return false } })
        #expect(provider.jwksFetches == 2)
    }

    @Test func failedFetchesFailClosedAndAreRetriedAfterTheInterval() async throws {
        provider.setFailing(provider.jwksURL, true)
        let token = try devToken()
        let failure = await refusal(validator, token)
        #expect(failure == .keysUnavailable("GET \(provider.jwksURL) returned HTTP 503"))
        #expect(failure?.description.contains("503") == true)

        clock.advance(by: 5)
        #expect(await refusal(validator, token) == failure, "still refused, without hammering the provider")
        #expect(provider.jwksFetches == 1)

        provider.setFailing(provider.jwksURL, false)
        clock.advance(by: 6)
        #expect(try await validator.validate(token).subject == "alice")
        #expect(provider.jwksFetches == 2)
        #expect(provider.discoveryFetches == 1)
    }

    @Test func anUnknownKidWhoseRefetchFailsReportsTheFetchFailure() async throws {
        _ = try await validator.validate(devToken())
        provider.setFailing(provider.jwksURL, true)
        clock.advance(by: 11)
        #expect(await refusal(validator, try bogusToken(kid: "new")) == .keysUnavailable("GET \(provider.jwksURL) returned HTTP 503"))
        #expect(try await validator.validate(devToken()).subject == "alice", "known keys keep working")
    }

    @Test func oldKeysAreRefreshedAndWithdrawnKeysStopWorking() async throws {
        _ = try await validator.validate(devToken())
        clock.advance(by: 3600)
        provider.setJWKS(jwks([TestSigningKey.es256()]))  // the issuer withdrew the dev key
        #expect(await refusal(validator, try devToken()) == .unknownKey(issuer.keyID))
        #expect(provider.jwksFetches == 2)
    }

    @Test func cachedKeysServeThroughAnOutageForADayAtMost() async throws {
        _ = try await validator.validate(devToken())
        provider.setFailing(provider.jwksURL, true)
        clock.advance(by: 3600)
        #expect(try await validator.validate(devToken()).subject == "alice", "refresh failed; keys an hour old still serve")
        #expect(provider.jwksFetches == 2)
        clock.advance(by: 24 * 3600)
        #expect(await refusal(validator, try devToken()) == .keysUnavailable("GET \(provider.jwksURL) returned HTTP 503"))
    }

    @Test func refreshPolicyTiming() {
        let policy = KeyRefreshPolicy()
        let start = clock.date
        #expect(policy.mayFetch(now: start, lastAttempt: nil))
        #expect(!policy.mayFetch(now: start + 9.9, lastAttempt: start))
        #expect(policy.mayFetch(now: start + 10, lastAttempt: start))
        #expect(policy.mayFetch(now: start - 60, lastAttempt: start), "a clock stepped back must not block fetches")
        #expect(!policy.isDueForRefresh(fetchedAt: start, now: start + 3599))
        #expect(policy.isDueForRefresh(fetchedAt: start, now: start + 3600))
        #expect(policy.isExpired(fetchedAt: start, now: start + 86400))
    }
}

/// Polls until the condition holds, failing after 90 seconds. A liveness bound, not a speed
/// check: CPU-heavy synchronous suites running in parallel (Merkle property tests) can hold the
/// cooperative threads for several seconds on a 2-core machine.
func waitUntil(_ condition: @escaping @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(90)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 90 s")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
