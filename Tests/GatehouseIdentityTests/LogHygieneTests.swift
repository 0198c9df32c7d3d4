import Foundation
import Testing

@testable import GatehouseIdentity

@Suite struct LogHygieneTests {
    @Test func noTokenOrSignatureAppearsInLogsOrErrors() async throws {
        let clock = TestClock()
        let (issuer, provider) = makeDevIssuerSetup()
        let capture = LogCapture()
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock, logger: capture.logger)
        let key = TestSigningKey(devIssuer: issuer)
        let claims = standardClaims(issuer: issuer.issuerURL, audience: "gatehouse", now: clock.date)
        var expired = claims
        expired["exp"] = Int(clock.date.timeIntervalSince1970) - 3600
        var wrongAudience = claims
        wrongAudience["aud"] = "elsewhere"
        var tokens = [
            try issuer.mintToken(subject: "alice", groups: ["engineers"], ttlSeconds: 60, now: clock.date),
            try key.token(claims: expired),
            try key.token(claims: wrongAudience),
            try TestSigningKey.es256(kid: issuer.keyID).token(claims: claims),
            try TestSigningKey.es256(kid: "unknown").token(claims: claims),
            TestJWS.hmac("HS256", key: Array(key.publicKeyPEM.utf8), claims: claims),
        ]
        let valid = tokens[0].split(separator: ".").map(String.init)
        tokens.append(valid[0] + "." + valid[1] + "." + valid[2].reversed())
        var descriptions: [String] = []
        for token in tokens {
            if let error = await refusal(validator, token) { descriptions.append(error.description) }
        }
        #expect(descriptions.count == tokens.count - 1, "all but the first token are refused")
        let lines = capture.allLines
        #expect(lines.contains { $0.contains("token refused") }, "refusals are logged, so the search below is meaningful")
        for token in tokens {
            let signature = String(token.split(separator: ".", omittingEmptySubsequences: false)[2])
            let payload = String(token.split(separator: ".")[1])
            for text in lines + descriptions {
                #expect(!text.contains(signature), "signature leaked into: \(text.prefix(120))")
                #expect(!text.contains(payload), "payload leaked into: \(text.prefix(120))")
            }
        }
    }

    @Test func echoedTokenValuesAreBoundedAndPrintable() {
        #expect(ClientSafeText.echo("kid\n\u{1B}[31mred") == "kid??[31mred")
        #expect(ClientSafeText.echo(String(repeating: "a", count: 500)).count == ClientSafeText.maximumLength + 3)
    }
}
