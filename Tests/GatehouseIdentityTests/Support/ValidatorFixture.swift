import Crypto
import Foundation
import Logging
import Testing

@testable import GatehouseIdentity

/// A validator wired to a fake provider and a hand-moved clock.
func makeValidator(
    _ issuers: [IssuerConfiguration], provider: any DocumentFetcher, clock: TestClock,
    logger: Logger = Logger(label: "gatehouse.identity.test") { _ in SwiftLogNoOpLogHandler() }
) -> TokenValidator {
    TokenValidator(issuers: issuers, fetcher: provider, refreshPolicy: KeyRefreshPolicy(), logger: logger, now: clock.now)
}

/// The error `validate` throws, or nil when it accepts the token.
func refusal(_ validator: TokenValidator, _ token: String) async -> TokenValidationError? {
    do {
        _ = try await validator.validate(token)
        return nil
    } catch let error as TokenValidationError {
        return error
    } catch {
        Issue.record("validate threw a non-TokenValidationError: \(error)")
        return nil
    }
}

/// The error `validateIDToken` throws, or nil when it accepts the token.
func idTokenRefusal(_ validator: TokenValidator, _ token: String, nonce: String) async -> TokenValidationError? {
    do {
        _ = try await validator.validateIDToken(token, nonce: nonce)
        return nil
    } catch let error as TokenValidationError {
        return error
    } catch {
        Issue.record("validateIDToken threw a non-TokenValidationError: \(error)")
        return nil
    }
}

/// A dev issuer with a fresh in-memory key, and a fake provider serving its documents.
func makeDevIssuerSetup(issuerURL: String = "https://dev.gatehouse.test") -> (DevIssuer, FakeIdentityProvider) {
    let issuer = DevIssuer(signingKey: .init(), issuerURL: issuerURL, audience: "gatehouse")
    return (issuer, FakeIdentityProvider(devIssuer: issuer))
}

/// The dev issuer, its signing key and a validator that trusts it: the setup most suites share.
struct DevIssuerValidation {
    let clock = TestClock()
    let issuer: DevIssuer
    let provider: FakeIdentityProvider
    let key: TestSigningKey

    init() {
        (issuer, provider) = makeDevIssuerSetup()
        key = TestSigningKey(devIssuer: issuer)
    }

    var validator: TokenValidator { makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock) }
}
