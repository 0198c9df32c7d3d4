import Foundation
import Testing

@testable import GatehouseIdentity

/// The dev issuer's one-time code store, on its own: expiry, single use, and the checks that
/// bind a code to its client, redirect URI and PKCE challenge.
@Suite struct DevIssuerAuthorizationsTests {
    let clock = TestClock()
    let store = DevIssuerAuthorizations()
    let verifier = PKCE.makeVerifier()
    let client = "gatehouse-ui"
    let callback = "http://127.0.0.1:8080/ui/callback"

    func issue() -> String {
        store.issue(
            subject: "alice", username: "Alice", groups: ["engineers"], clientID: client, redirectURI: callback,
            codeChallenge: PKCE.challenge(for: verifier), nonce: "n-1", now: clock.date)
    }

    func redeem(
        _ code: String, clientID: String? = nil, redirectURI: String? = nil, verifier: String? = nil
    ) -> Result<DevIssuerAuthorization, DevIssuerAuthorizationError> {
        Result { () throws(DevIssuerAuthorizationError) in
            try store.redeem(
                code: code, clientID: clientID ?? client, redirectURI: redirectURI ?? callback,
                codeVerifier: verifier ?? self.verifier, now: clock.date)
        }
    }

    @Test func aCodeRedeemsOnceForWhatWasSignedIn() throws {
        let code = issue()
        #expect(code.utf8.count == 43)
        let first = try redeem(code).get()
        #expect(first == DevIssuerAuthorization(subject: "alice", username: "Alice", groups: ["engineers"], clientID: client, nonce: "n-1"))
        let second = redeem(code)
        #expect(second.failureCode == "invalid_grant")
    }

    @Test func expiresAfterSixtySeconds() {
        let code = issue()
        clock.advance(by: 60)
        #expect(redeem(code).failureCode == "invalid_grant")
        #expect(redeem(code).failureReason?.contains("unknown or was already used") == true)
    }

    @Test func isGoodJustBeforeExpiry() {
        let code = issue()
        clock.advance(by: 59)
        #expect(redeem(code).failureCode == nil)
    }

    @Test func mismatchesAreRefusedAndSpendTheCode() {
        let cases: [(DevIssuerAuthorizationsTests) -> Result<DevIssuerAuthorization, DevIssuerAuthorizationError>] = [
            { $0.redeem($0.issue(), clientID: "another-client") },
            { $0.redeem($0.issue(), redirectURI: "http://127.0.0.1:8080/ui/callback/") },
            { $0.redeem($0.issue(), verifier: PKCE.makeVerifier()) },
        ]
        let reasons = cases.map { $0(self).failureReason }
        #expect(reasons[0] == "the authorization code was issued to another client_id")
        #expect(reasons[1] == "the redirect_uri differs from the one in the authorization request")
        #expect(reasons[2] == "the code_verifier does not match the code_challenge (S256)")

        // A failed attempt uses the code up: the right verifier afterwards is too late.
        let code = issue()
        _ = redeem(code, verifier: "wrong")
        #expect(redeem(code).failureCode == "invalid_grant")
    }

    @Test func errorsNeverEchoTheCodeOrVerifier() {
        let code = issue()
        let wrong = PKCE.makeVerifier()
        let description = redeem(code, verifier: wrong).failureDescription ?? ""
        #expect(!description.contains(code))
        #expect(!description.contains(wrong))
        #expect(!description.contains(verifier))
    }
}

extension Result where Failure == DevIssuerAuthorizationError {
    var failureCode: String? { if case .failure(let error) = self { error.code } else { nil } }
    var failureReason: String? { if case .failure(let error) = self { error.reason } else { nil } }
    var failureDescription: String? { if case .failure(let error) = self { error.description } else { nil } }
}
