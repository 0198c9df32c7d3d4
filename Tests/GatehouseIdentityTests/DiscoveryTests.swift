import Foundation
import Testing

@testable import GatehouseIdentity

@Suite struct DiscoveryTests {
    let clock = TestClock()
    let issuer: DevIssuer
    let provider: FakeIdentityProvider

    init() { (issuer, provider) = makeDevIssuerSetup() }

    func token() throws -> String { try issuer.mintToken(subject: "alice", groups: [], ttlSeconds: 600, now: clock.date) }

    @Test func refusesADiscoveryDocumentForAnotherIssuer() async throws {
        provider.setDiscovery(TestJSON.encode(["issuer": "https://evil.test", "jwks_uri": provider.jwksURL]))
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        let error = try #require(await refusal(validator, token()))
        guard case .discoveryFailed(let reason) = error else {
            Issue.record("expected discoveryFailed, got \(error)")
            return
        }
        #expect(reason.contains("evil.test"))
        #expect(provider.jwksFetches == 0)
    }

    @Test(arguments: ["http://idp.example.test/jwks", "ftp://idp.example.test/jwks", "/jwks", "https:///jwks"])
    func refusesAnInsecureOrRelativeJWKSURI(jwksURI: String) async throws {
        provider.setDiscovery(TestJSON.encode(["issuer": issuer.issuerURL, "jwks_uri": jwksURI]))
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        let error = await refusal(validator, try token())
        #expect(error.map { if case .discoveryFailed = $0 { true } else { false } } == true, "got \(String(describing: error))")
        #expect(provider.totalFetches == 1, "only the discovery document was fetched")
    }

    @Test func refusesAnInsecureDiscoveryURLWithoutFetching() async throws {
        var configuration = issuer.issuerConfiguration
        configuration.discoveryURL = "http://idp.example.test/.well-known/openid-configuration"
        let validator = makeValidator([configuration], provider: provider, clock: clock)
        let error = await refusal(validator, try token())
        #expect(error?.description.contains("must use https") == true, "got \(String(describing: error))")
        #expect(provider.totalFetches == 0)
    }

    @Test func usesTheConfiguredDiscoveryURL() async throws {
        let elsewhere = "https://metadata.example.test/openid"
        provider.serve(issuer.discoveryDocument(), at: elsewhere)
        var configuration = issuer.issuerConfiguration
        configuration.discoveryURL = elsewhere
        let validator = makeValidator([configuration], provider: provider, clock: clock)
        #expect(try await validator.validate(token()).subject == "alice")
        #expect(provider.fetchCount(elsewhere) == 1)
        #expect(provider.discoveryFetches == 0)
    }

    @Test func refusesDocumentsThatAreNotJSON() async throws {
        provider.setDiscovery(Array("<html>".utf8))
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        #expect(await refusal(validator, try token()) == .discoveryFailed(
            "\(provider.discoveryURL): the document is not JSON with string members issuer and jwks_uri"))

        let (otherIssuer, otherProvider) = makeDevIssuerSetup(issuerURL: "https://other.gatehouse.test")
        otherProvider.setJWKS(TestJSON.encode(["not": "a key set"]))
        let other = makeValidator([otherIssuer.issuerConfiguration], provider: otherProvider, clock: clock)
        let otherToken = try otherIssuer.mintToken(subject: "bob", groups: [], ttlSeconds: 60, now: clock.date)
        #expect(await refusal(other, otherToken) == .keysUnavailable(
            "the document at \(otherProvider.jwksURL) is not a JWKS (a JSON object with a keys array)"))
    }

    @Test func discoveryURLDefaultsBelowTheIssuer() {
        #expect(IssuerConfiguration(issuer: "https://idp.test/tenant/v2.0", audiences: []).effectiveDiscoveryURL
            == "https://idp.test/tenant/v2.0/.well-known/openid-configuration")
        #expect(IssuerConfiguration(issuer: "https://idp.test/", audiences: []).effectiveDiscoveryURL
            == "https://idp.test/.well-known/openid-configuration")
    }

    @Test func configurationDefaults() {
        let configuration = IssuerConfiguration(issuer: "https://idp.test", audiences: ["api://gatehouse"])
        #expect(configuration.groupsClaim == "groups")
        #expect(configuration.algorithms == ["RS256", "ES256", "EdDSA"])
        #expect(configuration.leewaySeconds == 60)
        #expect(configuration.discoveryURL == nil)
    }
}
