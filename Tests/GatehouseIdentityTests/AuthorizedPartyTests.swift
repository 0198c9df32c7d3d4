import Foundation
import Testing

@testable import GatehouseIdentity

/// OIDC Core §3.1.3.7 for ID tokens: several audiences need `azp`, and `azp` must be a
/// configured audience (the client ID). Access tokens keep `azp` as the agent application.
@Suite struct AuthorizedPartyTests {
    let setup = DevIssuerValidation()
    var clock: TestClock { setup.clock }
    var issuer: DevIssuer { setup.issuer }
    var key: TestSigningKey { setup.key }
    var validator: TokenValidator { setup.validator }

    /// An ID token for `audience` from the sign-in that sent nonce "n-1".
    func idToken(audience: Any, azp: String?) throws -> String {
        var claims = standardClaims(issuer: issuer.issuerURL, audience: audience, now: clock.date)
        claims["nonce"] = "n-1"
        claims["azp"] = azp
        return try key.token(claims: claims)
    }

    func refusal(audience: Any, azp: String?) async throws -> TokenValidationError? {
        await idTokenRefusal(validator, try idToken(audience: audience, azp: azp), nonce: "n-1")
    }

    @Test func multipleAudiencesWithoutAzpAreRefused() async throws {
        #expect(try await refusal(audience: ["gatehouse", "another-client"], azp: nil) == .authorizedPartyRequired)
        #expect(try await refusal(audience: ["gatehouse", "gatehouse"], azp: nil) == .authorizedPartyRequired)
    }

    @Test func multipleAudiencesWithAnAzpThatIsNotConfiguredAreRefused() async throws {
        #expect(try await refusal(audience: ["gatehouse", "another-client"], azp: "another-client") == .wrongAuthorizedParty("another-client"))
        #expect(try await refusal(audience: ["gatehouse", "another-client"], azp: "Gatehouse") == .wrongAuthorizedParty("Gatehouse"))
    }

    @Test func multipleAudiencesWithTheConfiguredAzpAreAccepted() async throws {
        #expect(try await refusal(audience: ["gatehouse", "another-client"], azp: "gatehouse") == nil)
        #expect(try await refusal(audience: ["another-client", "gatehouse"], azp: "gatehouse") == nil)
    }

    @Test func aSingleAudienceWithAForeignAzpIsRefused() async throws {
        #expect(try await refusal(audience: "gatehouse", azp: "claude-code") == .wrongAuthorizedParty("claude-code"))
        #expect(try await refusal(audience: ["gatehouse"], azp: "claude-code") == .wrongAuthorizedParty("claude-code"))
        // Compared byte for byte: a decomposed lookalike is another client.
        var configuration = issuer.issuerConfiguration
        configuration.audiences = ["caf\u{E9}"]
        let lookalike = makeValidator([configuration], provider: setup.provider, clock: clock)
        let token = try idToken(audience: "caf\u{E9}", azp: "cafe\u{301}")
        #expect(await idTokenRefusal(lookalike, token, nonce: "n-1") == .wrongAuthorizedParty("cafe?"))
    }

    @Test func aSingleAudienceWithoutAzpIsAccepted() async throws {
        #expect(try await refusal(audience: "gatehouse", azp: nil) == nil)
        #expect(try await refusal(audience: ["gatehouse"], azp: nil) == nil)
        #expect(try await refusal(audience: "gatehouse", azp: "gatehouse") == nil)
    }

    @Test func azpMustBeAString() async throws {
        var claims = standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date)
        claims["nonce"] = "n-1"
        claims["azp"] = ["gatehouse"]
        #expect(await idTokenRefusal(validator, try key.token(claims: claims), nonce: "n-1") == .invalidClaim("azp"))
    }

    @Test func accessTokensKeepAzpAsTheAgentApplication() async throws {
        let token = try idToken(audience: ["gatehouse", "another-api"], azp: "claude-code")
        #expect(try await validator.validate(token).agentApplication == "claude-code")
        #expect(try await validator.validate(idToken(audience: ["gatehouse", "another-api"], azp: nil)).agentApplication == nil)
    }
}
