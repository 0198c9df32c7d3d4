import Foundation
import Testing

@testable import GatehouseIdentity

/// The JWK chosen for a token must fit the header's algorithm in type, curve, alg, use and key_ops.
@Suite struct KeySelectionTests {
    let clock = TestClock()
    let issuerURL = "https://idp.example.test"

    func setup(_ keys: [TestSigningKey]) -> (TokenValidator, FakeIdentityProvider, [String: Any]) {
        let provider = FakeIdentityProvider(issuer: issuerURL, jwks: jwks(keys))
        let validator = makeValidator([IssuerConfiguration(issuer: issuerURL, audiences: ["gatehouse"])], provider: provider, clock: clock)
        return (validator, provider, standardClaims(issuer: issuerURL, audience: "gatehouse", now: clock.date))
    }

    @Test func refusesAHeaderAlgorithmThatDoesNotFitTheKeyType() async throws {
        let rsa = try TestSigningKey.rs256(kid: "shared")
        let (validator, _, claims) = setup([rsa])
        // An ES256 header naming the RSA key's kid, signed with some EC key.
        let ec = TestSigningKey.es256(kid: "shared")
        #expect(await refusal(validator, try ec.token(claims: claims)) == .keyAlgorithmMismatch(keyID: "shared", algorithm: "ES256"))
    }

    @Test(arguments: [
        ["crv": "P-384"], ["alg": "ES384"], ["alg": "RS256"], ["use": "enc"], ["key_ops": ["encrypt"]], ["kty": "oct"],
    ] as [[String: Any]])
    func refusesAKeyWhosePublishedMembersContradictTheAlgorithm(change: [String: Any]) async throws {
        let ec = TestSigningKey.es256(kid: "k1")
        let (validator, _, claims) = setup([ec.publishing(change)])
        #expect(await refusal(validator, try ec.token(claims: claims)) == .keyAlgorithmMismatch(keyID: "k1", algorithm: "ES256"))
    }

    @Test func acceptsAKeyWhoseOptionalMembersAgree() async throws {
        let ec = TestSigningKey.es256(kid: "k1")
        let (validator, _, claims) = setup([ec.publishing(["alg": "ES256", "use": "sig", "key_ops": ["verify"]])])
        #expect(try await validator.validate(ec.token(claims: claims)).subject == "alice")
    }

    @Test func refusesRSAKeysUnder2048Bits() async throws {
        let weak = try TestSigningKey.rs256(kid: "weak", bits: 1024)
        let (validator, _, claims) = setup([weak])
        #expect(await refusal(validator, try weak.token(claims: claims)) == .keyAlgorithmMismatch(keyID: "weak", algorithm: "RS256"))
    }

    @Test func ignoresKeysEmbeddedInTheTokenHeader() async throws {
        let genuine = TestSigningKey.es256(kid: "genuine")
        let (validator, provider, claims) = setup([genuine])
        let attacker = TestSigningKey.es256(kid: "genuine")
        let forged = try attacker.token(
            claims: claims, header: ["jwk": attacker.jwk, "jku": "https://attacker.test/jwks", "x5u": "https://attacker.test/cert"])
        #expect(await refusal(validator, forged) == .badSignature)
        #expect(provider.fetchCount("https://attacker.test/jwks") == 0)
    }

    @Test func aTokenWithoutKidUsesTheIssuersOnlyKeyForItsAlgorithm() async throws {
        let ec = TestSigningKey.es256()
        let rsa = try TestSigningKey.rs256()
        let (validator, _, claims) = setup([ec, rsa])
        #expect(try await validator.validate(ec.token(claims: claims, includeKeyID: false)).subject == "alice")
        #expect(try await validator.validate(rsa.token(claims: claims, includeKeyID: false)).subject == "alice")
        let ed = TestSigningKey.edDSA()
        #expect(await refusal(validator, try ed.token(claims: claims, includeKeyID: false)) == .noKeyForAlgorithm("EdDSA"))
    }

    @Test func aTokenWithoutKidIsRefusedWhenSeveralKeysFit() async throws {
        let first = TestSigningKey.es256()
        let (validator, _, claims) = setup([first, TestSigningKey.es256()])
        #expect(await refusal(validator, try first.token(claims: claims, includeKeyID: false)) == .keyIDRequired)
        #expect(try await validator.validate(first.token(claims: claims)).subject == "alice", "control: with its kid it is accepted")
    }

    @Test func oneUndecodableKeyDoesNotSpoilTheSet() async throws {
        let ec = TestSigningKey.es256()
        let provider = FakeIdentityProvider(issuer: issuerURL, jwks: TestJSON.encode(["keys": [["kty": 42], "junk", ec.jwk]]))
        let validator = makeValidator([IssuerConfiguration(issuer: issuerURL, audiences: ["gatehouse"])], provider: provider, clock: clock)
        let claims = standardClaims(issuer: issuerURL, audience: "gatehouse", now: clock.date)
        #expect(try await validator.validate(ec.token(claims: claims)).subject == "alice")
    }
}
