import AsyncHTTPClient
import Foundation
import Logging
import Testing

@testable import GatehouseIdentity

/// Tokens from a real OIDC provider process (PyPI's oidc-provider-mock), validated over real
/// HTTP discovery and JWKS fetches.
@Suite struct OIDCProviderMockTests {
    let logger = Logger(label: "gatehouse.identity.test") { _ in SwiftLogNoOpLogHandler() }

    func validator(_ configuration: IssuerConfiguration) -> TokenValidator {
        TokenValidator(issuers: [configuration], httpClient: .shared, logger: logger)
    }

    @Test func validatesRealTokensAndRefusesTheWrongAudience() async throws {
        let provider = try await OIDCProviderMockProcess.start()
        defer { provider.stop() }
        let issuer = provider.baseURL  // the mock's `iss` is the URL it was reached at
        let login = AuthorizationCodeLogin(baseURL: provider.baseURL, clientID: "gatehouse-tests")
        let alice = try await login.login(subject: "alice", claims: [
            "groups": ["engineers", "dba"], "preferred_username": "alice@example.test",
            "oid": "00000000-0000-0000-0000-00000000a11c", "tid": "00000000-0000-0000-0000-0000000000e1",
            "azp": "claude-code",
        ])

        let gatehouse = validator(IssuerConfiguration(issuer: issuer, audiences: ["gatehouse-tests"], algorithms: ["RS256"]))
        let principal = try await gatehouse.validate(alice.idToken)
        #expect(principal.subject == "alice")
        #expect(principal.issuer == issuer)
        #expect(principal.username == "alice@example.test")
        #expect(principal.groups == ["engineers", "dba"])
        #expect(principal.objectID == "00000000-0000-0000-0000-00000000a11c")
        #expect(principal.tenantID == "00000000-0000-0000-0000-0000000000e1")
        #expect(principal.agentApplication == "claude-code")

        // The same real token, presented to a gateway that expects another audience.
        let elsewhere = validator(IssuerConfiguration(issuer: issuer, audiences: ["some-other-api"]))
        await #expect(throws: TokenValidationError.wrongAudience) { try await elsewhere.validate(alice.idToken) }
        // The mock's access tokens are opaque strings, not JWTs: never accepted as bearer tokens.
        await #expect(throws: TokenValidationError.malformed) { try await gatehouse.validate(alice.accessToken) }
        await #expect(throws: TokenValidationError.malformed) { try await elsewhere.validate(alice.accessToken) }

        // Its RS256 signature is refused where only ES256 is allowed, and when tampered with.
        let esOnly = validator(IssuerConfiguration(issuer: issuer, audiences: ["gatehouse-tests"], algorithms: ["ES256"]))
        await #expect(throws: TokenValidationError.algorithmNotAllowed("RS256")) { try await esOnly.validate(alice.idToken) }
        var parts = alice.idToken.split(separator: ".").map(String.init)
        parts[2] = String(parts[2].reversed())
        await #expect(throws: TokenValidationError.badSignature) { try await gatehouse.validate(parts.joined(separator: ".")) }

        // Another user whose groups claim is a single string, and whose client is named by appid.
        let bob = try await login.login(subject: "bob", claims: ["groups": "engineers", "appid": "legacy-agent"])
        let bobPrincipal = try await gatehouse.validate(bob.idToken)
        #expect(bobPrincipal.groups == ["engineers"])
        #expect(bobPrincipal.agentApplication == "legacy-agent")
    }

    @Test func reportsUnreachableOrMissingDiscoveryClearly() async throws {
        let provider = try await OIDCProviderMockProcess.start()
        defer { provider.stop() }
        let login = AuthorizationCodeLogin(baseURL: provider.baseURL, clientID: "gatehouse-tests")
        let token = try await login.login(subject: "carol", claims: [:]).idToken

        let missing = validator(IssuerConfiguration(
            issuer: provider.baseURL, audiences: ["gatehouse-tests"], discoveryURL: provider.baseURL + "/no-such-document"))
        let notFound = await refusal(missing, token)
        #expect(notFound == .discoveryFailed("GET \(provider.baseURL)/no-such-document returned HTTP 404"))

        // Discovery served by the real provider but for a different issuer name.
        let renamed = validator(IssuerConfiguration(
            issuer: provider.baseURL, audiences: ["gatehouse-tests"],
            discoveryURL: provider.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "/.well-known/openid-configuration"))
        let mismatch = await refusal(renamed, token)
        #expect(mismatch?.description.contains("names issuer 'http://localhost:") == true, "got \(String(describing: mismatch))")

        provider.stop()
        let down = validator(IssuerConfiguration(issuer: provider.baseURL, audiences: ["gatehouse-tests"]))
        let unreachable = await refusal(down, token)
        #expect(unreachable?.description.hasPrefix("The issuer's OpenID discovery document could not be used: GET ") == true,
            "got \(String(describing: unreachable))")
    }
}
