import Foundation
import Testing

@testable import GatehouseIdentity

@Suite struct AlgorithmRefusalTests {
    let clock = TestClock()

    @Test(arguments: ["none", "None", "NONE", "nOnE"])
    func refusesUnsignedTokens(algorithm: String) async throws {
        let (issuer, provider) = makeDevIssuerSetup()
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        let claims = standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date)
        let unsigned = TestJWS.make(header: ["alg": algorithm, "typ": "JWT"], claims: claims) { _ in [] }
        #expect(unsigned.hasSuffix("."))
        #expect(await refusal(validator, unsigned) == .algorithmNotAllowed(algorithm))
        // Even with a kid and something in the signature slot.
        let decorated = TestJWS.make(header: ["alg": algorithm, "kid": issuer.keyID], claims: claims) { _ in [1, 2, 3] }
        #expect(await refusal(validator, decorated) == .algorithmNotAllowed(algorithm))
        #expect(provider.totalFetches == 0)
    }

    /// The classic key-confusion attack: HMAC keyed with the issuer's *public* key, which a
    /// verifier that lets the header choose the algorithm would accept.
    @Test(arguments: ["HS256", "HS384", "HS512"])
    func refusesHMACKeyedWithTheDevIssuersPublicKey(algorithm: String) async throws {
        let (issuer, provider) = makeDevIssuerSetup()
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        let claims = standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date)
        let publicKey = TestSigningKey(devIssuer: issuer)
        let keyChoices: [[UInt8]] = [
            Array(publicKey.publicKeyPEM.utf8), TestJSON.encode(publicKey.jwk), issuer.jwksDocument(),
        ]
        for key in keyChoices {
            let forged = TestJWS.hmac(algorithm, key: key, header: ["kid": issuer.keyID], claims: claims)
            #expect(await refusal(validator, forged) == .algorithmNotAllowed(algorithm))
        }
        #expect(provider.totalFetches == 0)
    }

    @Test func refusesHS256KeyedWithAnRSAIssuersPublicKey() async throws {
        let rsa = try TestSigningKey.rs256()
        let provider = FakeIdentityProvider(issuer: "https://idp.example.test", jwks: jwks([rsa]))
        let configuration = IssuerConfiguration(issuer: provider.issuer, audiences: ["gatehouse"], algorithms: ["RS256"])
        let validator = makeValidator([configuration], provider: provider, clock: clock)
        let claims = standardClaims(issuer: provider.issuer, audience: "gatehouse", now: clock.date)
        #expect(try await validator.validate(rsa.token(claims: claims)).subject == "alice", "control: the RSA key works")

        for key in [Array(rsa.publicKeyPEM.utf8), TestJSON.encode(rsa.jwk)] {
            let forged = TestJWS.hmac("HS256", key: key, header: ["kid": rsa.kid], claims: claims)
            #expect(await refusal(validator, forged) == .algorithmNotAllowed("HS256"))
        }
    }

    @Test func hmacAndNoneInTheConfiguredAllowListAreIgnored() async throws {
        let (issuer, provider) = makeDevIssuerSetup()
        var configuration = issuer.issuerConfiguration
        configuration.algorithms = ["HS256", "none", "ES256"]
        let validator = makeValidator([configuration], provider: provider, clock: clock)
        let claims = standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date)
        let forged = TestJWS.hmac("HS256", key: Array(TestSigningKey(devIssuer: issuer).publicKeyPEM.utf8), claims: claims)
        #expect(await refusal(validator, forged) == .algorithmNotAllowed("HS256"))
        let unsigned = TestJWS.make(header: ["alg": "none"], claims: claims) { _ in [] }
        #expect(await refusal(validator, unsigned) == .algorithmNotAllowed("none"))
    }

    @Test func refusesRS256WhenTheIssuerAllowsOnlyES256() async throws {
        let rsa = try TestSigningKey.rs256()
        let ec = TestSigningKey.es256()
        let provider = FakeIdentityProvider(issuer: "https://idp.example.test", jwks: jwks([rsa, ec]))
        let claims = standardClaims(issuer: provider.issuer, audience: "gatehouse", now: clock.date)
        let esOnly = makeValidator(
            [IssuerConfiguration(issuer: provider.issuer, audiences: ["gatehouse"], algorithms: ["ES256"])], provider: provider, clock: clock)
        #expect(await refusal(esOnly, try rsa.token(claims: claims)) == .algorithmNotAllowed("RS256"))
        #expect(provider.totalFetches == 0, "refused before the keys are fetched")
        #expect(try await esOnly.validate(ec.token(claims: claims)).subject == "alice", "control: ES256 is accepted")

        let both = makeValidator(
            [IssuerConfiguration(issuer: provider.issuer, audiences: ["gatehouse"], algorithms: ["RS256", "ES256"])],
            provider: provider, clock: clock)
        #expect(try await both.validate(rsa.token(claims: claims)).subject == "alice", "control: RS256 when allowed")
    }

    @Test(arguments: ["PS256", "RS384", "RS512", "ES384", "ES512", "Ed25519", "rs256", "ES256K"])
    func refusesAlgorithmsOutsideTheSupportedThree(algorithm: String) async throws {
        let (issuer, provider) = makeDevIssuerSetup()
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        let token = try TestSigningKey(devIssuer: issuer).token(
            claims: standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date), header: ["alg": algorithm])
        #expect(await refusal(validator, token) == .algorithmNotAllowed(algorithm))
    }

    @Test func acceptsEdDSA() async throws {
        let ed = TestSigningKey.edDSA()
        let provider = FakeIdentityProvider(issuer: "https://idp.example.test", jwks: jwks([ed]))
        let validator = makeValidator(
            [IssuerConfiguration(issuer: provider.issuer, audiences: ["gatehouse"])], provider: provider, clock: clock)
        let claims = standardClaims(issuer: provider.issuer, audience: "gatehouse", now: clock.date)
        #expect(try await validator.validate(ed.token(claims: claims)).subject == "alice")
    }

    @Test func refusesCriticalHeaderExtensions() async throws {
        let (issuer, provider) = makeDevIssuerSetup()
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        let token = try TestSigningKey(devIssuer: issuer).token(
            claims: standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date),
            header: ["crit": ["exp"], "exp": 1])
        #expect(await refusal(validator, token) == .unsupportedCriticalHeader("exp"))
    }
}
