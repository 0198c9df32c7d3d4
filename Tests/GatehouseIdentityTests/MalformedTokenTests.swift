import Foundation
import Testing

@testable import GatehouseIdentity

@Suite struct MalformedTokenTests {
    static let validHeader = Base64URL.encode(TestJSON.encode(["alg": "ES256", "kid": "k"]))
    static let validPayload = Base64URL.encode(TestJSON.encode(["iss": "https://dev.gatehouse.test", "sub": "alice"]))
    static let signature = Base64URL.encode([UInt8](repeating: 7, count: 64))

    static let malformedTokens: [String] = [
        "",
        " ",
        "abc",
        "a.b",
        "..",
        "...",
        "\(validHeader).\(validPayload)",
        "\(validHeader).\(validPayload).\(signature).extra",
        "Bearer \(validHeader).\(validPayload).\(signature)",
        " \(validHeader).\(validPayload).\(signature)",
        "\(validHeader).\(validPayload).\(signature)\n",
        ".\(validPayload).\(signature)",
        "\(validHeader)..\(signature)",
        "\(validHeader)=.\(validPayload).\(signature)",
        "\(validHeader).\(validPayload).\(signature)==",
        "\(validHeader).\(validPayload).not+base64/url",
        "!!!!.\(validPayload).\(signature)",
        "\(Base64URL.encode(Array("not json".utf8))).\(validPayload).\(signature)",
        "\(Base64URL.encode(Array("[\"alg\"]".utf8))).\(validPayload).\(signature)",
        "\(validHeader).\(Base64URL.encode(Array("[1,2]".utf8))).\(signature)",
        "\(validHeader).\(Base64URL.encode(Array("\"string\"".utf8))).\(signature)",
        "\(Base64URL.encode(TestJSON.encode(["kid": "k"]))).\(validPayload).\(signature)",
        "\(Base64URL.encode(TestJSON.encode(["alg": 256]))).\(validPayload).\(signature)",
        "\(Base64URL.encode(TestJSON.encode(["alg": "ES256", "kid": 7]))).\(validPayload).\(signature)",
        "\(validHeader).\(validPayload).\(String(repeating: "A", count: 70_000))",
    ]

    @Test(arguments: malformedTokens)
    func refusesMalformedTokensWithoutNetworkUse(token: String) async {
        let (issuer, provider) = makeDevIssuerSetup()
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: TestClock())
        #expect(await refusal(validator, token) == .malformed)
        #expect(provider.totalFetches == 0)
    }

    @Test func theFixtureTokenIsOtherwiseWellFormed() throws {
        // Guards the table above: its malformed tokens are variations of this well-formed one.
        let jws = try CompactJWS(parsing: "\(Self.validHeader).\(Self.validPayload).\(Self.signature)")
        #expect(jws.header.algorithm == "ES256")
        #expect(jws.header.keyID == "k")
    }

    @Test func base64URLDecodingIsStrict() {
        #expect(Base64URL.decode("AQAB") == [1, 0, 1])
        #expect(Base64URL.decode("_-8") == [0xFF, 0xEF])
        #expect(Base64URL.decode("AQAB=") == nil)
        #expect(Base64URL.decode("AQ AB") == nil)
        #expect(Base64URL.decode("A+/B") == nil)
        #expect(Base64URL.decode("A") == nil)
    }
}
