import Foundation
import Testing

@testable import GatehouseIdentity

/// A header or claims set naming one member twice is refused: parsers disagree on which counts.
@Suite struct DuplicateMemberTests {
    let setup = DevIssuerValidation()
    var clock: TestClock { setup.clock }
    var issuer: DevIssuer { setup.issuer }
    var key: TestSigningKey { setup.key }
    var validator: TokenValidator { setup.validator }
    var header: String { #"{"alg":"ES256","kid":"\#(issuer.keyID)"}"# }
    var exp: Int { Int(clock.date.timeIntervalSince1970) + 3600 }

    /// Valid claims for the dev issuer, with `extra` members (raw JSON) appended.
    func claims(_ extra: String = "") -> String {
        #"{"iss":"https://dev.gatehouse.test","aud":"gatehouse","exp":\#(exp),"sub":"alice"\#(extra)}"#
    }

    @Test func theHandWrittenTokenIsOtherwiseValid() async throws {
        #expect(try await validator.validate(key.token(headerJSON: header, claimsJSON: claims())).subject == "alice")
        let nested = claims(#","address":{"country":"NL"},"realm":{"country":"BE"}"#)
        #expect(try await validator.validate(key.token(headerJSON: header, claimsJSON: nested)).subject == "alice",
            "the same name in different objects is fine")
    }

    @Test(arguments: [
        (#","sub":"root""#, "sub"),
        (#","s\u0075b":"root""#, "sub"),  // the same name once escapes are decoded
        (#","\u0073\u0075\u0062":"root""#, "sub"),
        (#","aud":"gatehouse""#, "aud"),
        (#","address":{"country":"NL","country":"BE"}"#, "country"),
        (#","groups":[{"id":"a","id":"b"}]"#, "id"),
        (#","caf\u00e9":1,"cafe\u0301":2"#, "cafe\u{301}"),  // canonically equivalent: one Swift key; the second is named
    ])
    func refusesAClaimsSetNamingAMemberTwice(extra: String, name: String) async throws {
        let token = try key.token(headerJSON: header, claimsJSON: claims(extra))
        #expect(await refusal(validator, token) == .duplicateMember(ClientSafeText.echo(name)))
        #expect(setup.provider.totalFetches == 0, "refused before any key is fetched")
    }

    @Test(arguments: [
        (#"{"alg":"ES256","kid":"K","alg":"ES256"}"#, "alg"),
        (#"{"alg":"ES256","kid":"K","\u0061lg":"none"}"#, "alg"),
        (#"{"alg":"ES256","kid":"K","kid":"other"}"#, "kid"),
    ])
    func refusesAHeaderNamingAMemberTwice(template: String, name: String) async throws {
        let header = template.replacingOccurrences(of: "\"K\"", with: "\"\(issuer.keyID)\"")
        let token = try key.token(headerJSON: header, claimsJSON: claims())
        #expect(await refusal(validator, token) == .duplicateMember(name))
    }

    @Test func theErrorEchoesTheNameSafely() {
        let error = TokenValidationError.duplicateMember(ClientSafeText.echo("sub\u{1B}[31m"))
        #expect(error.description.contains("'sub?[31m'"))
    }
}
