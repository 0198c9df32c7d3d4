import Foundation
import Testing

@testable import GatehouseIdentity

@Suite struct SignatureAndClaimTests {
    let setup = DevIssuerValidation()
    var clock: TestClock { setup.clock }
    var issuer: DevIssuer { setup.issuer }
    var provider: FakeIdentityProvider { setup.provider }
    var key: TestSigningKey { setup.key }
    var validator: TokenValidator { setup.validator }

    func claims(_ changes: [String: Any?] = [:]) -> [String: Any] {
        var claims = standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date)
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    var now: Int { Int(clock.date.timeIntervalSince1970) }

    @Test func acceptsAValidToken() async throws {
        #expect(try await validator.validate(key.token(claims: claims())).subject == "alice")
    }

    @Test func refusesATokenWithAFlippedSignatureByte() async throws {
        let token = try key.token(claims: claims())
        let parts = token.split(separator: ".").map(String.init)
        var signature = try #require(Base64URL.decode(parts[2]))
        for index in [0, signature.count / 2, signature.count - 1] {
            var flipped = signature
            flipped[index] ^= 0x01
            let tampered = parts[0] + "." + parts[1] + "." + Base64URL.encode(flipped)
            #expect(await refusal(validator, tampered) == .badSignature)
        }
        signature.removeLast()
        #expect(await refusal(validator, parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)) == .badSignature)
        #expect(await refusal(validator, parts[0] + "." + parts[1] + ".") == .badSignature)
    }

    @Test func refusesAlteredClaims() async throws {
        let token = try key.token(claims: claims())
        let parts = token.split(separator: ".").map(String.init)
        let elevated = Base64URL.encode(TestJSON.encode(claims(["sub": "root"])))
        #expect(await refusal(validator, parts[0] + "." + elevated + "." + parts[2]) == .badSignature)
    }

    @Test func refusesASignatureFromAnotherKeyUnderTheIssuersKid() async throws {
        let impostor = TestSigningKey.es256(kid: issuer.keyID)
        #expect(await refusal(validator, try impostor.token(claims: claims())) == .badSignature)
    }

    @Test func refusesExpiredTokensAfterTheLeeway() async throws {
        #expect(await refusal(validator, try key.token(claims: claims(["exp": now - 61]))) == .expired)
        #expect(await refusal(validator, try key.token(claims: claims(["exp": now - 60]))) == .expired)
        #expect(try await validator.validate(key.token(claims: claims(["exp": now - 59]))).subject == "alice")
    }

    @Test func refusesTokensNotYetValid() async throws {
        #expect(await refusal(validator, try key.token(claims: claims(["nbf": now + 61]))) == .notYetValid)
        #expect(try await validator.validate(key.token(claims: claims(["nbf": now + 59]))).subject == "alice")
    }

    @Test func refusesTokensIssuedInTheFuture() async throws {
        #expect(await refusal(validator, try key.token(claims: claims(["iat": now + 120]))) == .issuedInFuture)
    }

    @Test func leewayIsConfigurable() async throws {
        var configuration = issuer.issuerConfiguration
        configuration.leewaySeconds = 0
        let strict = makeValidator([configuration], provider: provider, clock: clock)
        #expect(await refusal(strict, try key.token(claims: claims(["exp": now]))) == .expired)
        #expect(await refusal(strict, try key.token(claims: claims(["nbf": now + 1]))) == .notYetValid)
    }

    @Test func expIsRequiredAndMustBeANumber() async throws {
        #expect(await refusal(validator, try key.token(claims: claims(["exp": nil]))) == .missingClaim("exp"))
        #expect(await refusal(validator, try key.token(claims: claims(["exp": "\(now + 60)"]))) == .invalidClaim("exp"))
        #expect(await refusal(validator, try key.token(claims: claims(["nbf": "soon"]))) == .invalidClaim("nbf"))
        // iat and nbf are optional.
        #expect(try await validator.validate(key.token(claims: claims(["iat": nil, "nbf": nil]))).subject == "alice")
    }

    @Test func refusesUnknownIssuersBeforeAnyNetworkUse() async throws {
        #expect(await refusal(validator, try key.token(claims: claims(["iss": "https://evil.test"]))) == .unknownIssuer("https://evil.test"))
        #expect(await refusal(validator, try key.token(claims: claims(["iss": issuer.issuerURL + "/"]))) == .unknownIssuer(issuer.issuerURL + "/"))
        #expect(await refusal(validator, try key.token(claims: claims(["iss": nil]))) == .missingClaim("iss"))
        #expect(await refusal(validator, try key.token(claims: claims(["iss": ["https://dev.gatehouse.test"]]))) == .invalidClaim("iss"))
        #expect(provider.totalFetches == 0)
    }

    @Test func aTokenClaimingAnotherTrustedIssuerIsCheckedAgainstThatIssuersKeys() async throws {
        // The dev issuer's key must not vouch for tokens that name the corporate issuer.
        let corporateKey = TestSigningKey.es256()
        let corporate = FakeIdentityProvider(issuer: "https://login.example.test", jwks: jwks([corporateKey]))
        let router = RoutingFetcher([provider, corporate])
        let validator = makeValidator(
            [issuer.issuerConfiguration, IssuerConfiguration(issuer: corporate.issuer, audiences: ["gatehouse"])],
            provider: router, clock: clock)
        let forged = try key.token(claims: claims(["iss": corporate.issuer]), includeKeyID: false)
        #expect(await refusal(validator, forged) == .badSignature)
        let forgedWithKid = try key.token(claims: claims(["iss": corporate.issuer]))
        #expect(await refusal(validator, forgedWithKid) == .unknownKey(issuer.keyID))
        #expect(try await validator.validate(key.token(claims: claims())).issuer == issuer.issuerURL)
        #expect(try await validator.validate(corporateKey.token(claims: claims(["iss": corporate.issuer]))).issuer == corporate.issuer)
    }

    @Test func refusesWrongAudiences() async throws {
        #expect(await refusal(validator, try key.token(claims: claims(["aud": "another-api"]))) == .wrongAudience)
        #expect(await refusal(validator, try key.token(claims: claims(["aud": ["another-api", "third"]]))) == .wrongAudience)
        #expect(await refusal(validator, try key.token(claims: claims(["aud": [String]()]))) == .wrongAudience)
        #expect(await refusal(validator, try key.token(claims: claims(["aud": nil]))) == .missingClaim("aud"))
        #expect(await refusal(validator, try key.token(claims: claims(["aud": 42]))) == .invalidClaim("aud"))
        #expect(await refusal(validator, try key.token(claims: claims(["aud": ["gatehouse", 42]]))) == .invalidClaim("aud"))
        #expect(try await validator.validate(key.token(claims: claims(["aud": ["another-api", "gatehouse"]]))).subject == "alice")
    }

    @Test func subjectIsRequired() async throws {
        #expect(await refusal(validator, try key.token(claims: claims(["sub": nil]))) == .missingClaim("sub"))
        #expect(await refusal(validator, try key.token(claims: claims(["sub": ""]))) == .invalidClaim("sub"))
        #expect(await refusal(validator, try key.token(claims: claims(["sub": 7]))) == .invalidClaim("sub"))
    }
}

/// Sends each fetch to the fake provider whose issuer prefixes the URL.
struct RoutingFetcher: DocumentFetcher {
    let providers: [FakeIdentityProvider]
    init(_ providers: [FakeIdentityProvider]) { self.providers = providers }

    func fetchDocument(from url: URL) async throws -> [UInt8] {
        guard let provider = providers.first(where: { url.absoluteString.hasPrefix($0.issuer + "/") }) else {
            throw FetchFailure("GET \(url) has no route")
        }
        return try await provider.fetchDocument(from: url)
    }
}
