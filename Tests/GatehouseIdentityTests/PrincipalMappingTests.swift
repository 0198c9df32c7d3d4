import Foundation
import GatehouseCore
import Testing

@testable import GatehouseIdentity

@Suite struct PrincipalMappingTests {
    let clock = TestClock()
    let issuer: DevIssuer
    let provider: FakeIdentityProvider
    let key: TestSigningKey

    init() {
        (issuer, provider) = makeDevIssuerSetup()
        key = TestSigningKey(devIssuer: issuer)
    }

    func principal(_ changes: [String: Any?], groupsClaim: String = "groups") async throws -> Principal {
        var configuration = issuer.issuerConfiguration
        configuration.groupsClaim = groupsClaim
        let validator = makeValidator([configuration], provider: provider, clock: clock)
        var claims = standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date)
        for (name, value) in changes { claims[name] = value }
        return try await validator.validate(key.token(claims: claims))
    }

    @Test func groupsAsArrayStringOrAbsent() async throws {
        #expect(try await principal(["groups": ["engineers", "dba"]]).groups == ["engineers", "dba"])
        #expect(try await principal(["groups": "engineers"]).groups == ["engineers"])
        #expect(try await principal([:]).groups == [])
        #expect(try await principal(["groups": [String]()]).groups == [])
    }

    @Test func groupsOfTheWrongTypeAreRefused() async throws {
        await #expect(throws: TokenValidationError.invalidClaim("groups")) { try await principal(["groups": 7]) }
        await #expect(throws: TokenValidationError.invalidClaim("groups")) { try await principal(["groups": ["a", 7]]) }
        await #expect(throws: TokenValidationError.invalidClaim("groups")) { try await principal(["groups": ["nested": "x"]]) }
    }

    @Test func groupsComeFromTheConfiguredClaim() async throws {
        let principal = try await principal(["roles": ["approver"], "groups": ["ignored"]], groupsClaim: "roles")
        #expect(principal.groups == ["approver"])
    }

    @Test func agentApplicationIsAzpElseAppid() async throws {
        #expect(try await principal(["azp": "claude-code", "appid": "legacy-app"]).agentApplication == "claude-code")
        #expect(try await principal(["appid": "legacy-app"]).agentApplication == "legacy-app")
        #expect(try await principal([:]).agentApplication == nil)
    }

    @Test func entraIdentifiersAndUsername() async throws {
        let principal = try await principal([
            "oid": "00000000-0000-0000-0000-0000000000aa", "tid": "00000000-0000-0000-0000-0000000000bb",
            "preferred_username": "alice@example.test",
        ])
        #expect(principal.subject == "alice")
        #expect(principal.issuer == issuer.issuerURL)
        #expect(principal.objectID == "00000000-0000-0000-0000-0000000000aa")
        #expect(principal.tenantID == "00000000-0000-0000-0000-0000000000bb")
        #expect(principal.username == "alice@example.test")
        await #expect(throws: TokenValidationError.invalidClaim("oid")) { try await self.principal(["oid": 1]) }
    }
}
