import Foundation
import Testing

@testable import GatehouseIdentity

/// The validator reports when the token ends, so sessions it opened can end with it.
@Suite struct ValidatedTokenTests {
    let clock = TestClock()

    @Test func carriesTheTokensExpiry() async throws {
        let (issuer, provider) = makeDevIssuerSetup()
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        let key = TestSigningKey(devIssuer: issuer)
        var claims = standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date)
        let exp = Int(clock.date.timeIntervalSince1970) + 3600
        claims["exp"] = exp

        let validated = try await validator.validatedToken(key.token(claims: claims))
        #expect(validated.expiresAt == Date(timeIntervalSince1970: TimeInterval(exp)))
        #expect(validated.principal == (try await validator.validate(key.token(claims: claims))))

        claims["exp"] = Double(exp) + 0.5  // NumericDate allows fractions
        #expect(try await validator.validatedToken(key.token(claims: claims)).expiresAt == Date(timeIntervalSince1970: Double(exp) + 0.5))
    }

    @Test func theDevIssuersTokensExpireAfterTheirLifetime() async throws {
        let (issuer, provider) = makeDevIssuerSetup()
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        let token = try issuer.mintToken(subject: "alice", groups: [], ttlSeconds: 900, now: clock.date)
        #expect(try await validator.validatedToken(token).expiresAt == clock.date + 900)
    }
}
