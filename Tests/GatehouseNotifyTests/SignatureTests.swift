import Foundation
import Testing
@testable import GatehouseNotify

@Suite struct NotifySignatureTests {
    let body = Array(#"{"id":"ntf_example"}"#.utf8)
    let secret = "whsec_test"
    let signedAt = Date(timeIntervalSince1970: 1_795_678_200)

    @Test func matchesAnIndependentImplementation() {
        // Python: hmac.new(b"whsec_test", b"1795678200." + body, hashlib.sha256).hexdigest()
        #expect(WebhookSignature.sign(body: body, secret: secret, timestamp: signedAt)
            == "t=1795678200,v1=8efba5cd21ac902afe5645f367c46b1f753c64f9e9ec7f7deeb0724ab1362f51")
    }

    @Test func roundTrips() throws {
        let header = WebhookSignature.sign(body: body, secret: secret, timestamp: signedAt)
        try WebhookSignature.verify(header: header, body: body, secret: secret, now: signedAt.addingTimeInterval(30))
        #expect(WebhookSignature.isValid(header: header, body: body, secret: secret, now: signedAt))
    }

    @Test func tamperedBodyIsRejected() {
        let header = WebhookSignature.sign(body: body, secret: secret, timestamp: signedAt)
        var tampered = body
        tampered[tampered.count - 3] ^= 1
        #expect(throws: WebhookSignature.VerificationError.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: tampered, secret: secret, now: signedAt)
        }
    }

    @Test func wrongSecretIsRejected() {
        let header = WebhookSignature.sign(body: body, secret: secret, timestamp: signedAt)
        #expect(throws: WebhookSignature.VerificationError.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: body, secret: "whsec_other", now: signedAt)
        }
    }

    @Test func staleAndFutureTimestampsAreRejected() {
        let header = WebhookSignature.sign(body: body, secret: secret, timestamp: signedAt)
        #expect(throws: WebhookSignature.VerificationError.timestampOutsideTolerance) {
            try WebhookSignature.verify(header: header, body: body, secret: secret, now: signedAt.addingTimeInterval(301))
        }
        #expect(throws: WebhookSignature.VerificationError.timestampOutsideTolerance) {
            try WebhookSignature.verify(header: header, body: body, secret: secret, now: signedAt.addingTimeInterval(-301))
        }
        #expect(WebhookSignature.isValid(header: header, body: body, secret: secret, now: signedAt.addingTimeInterval(3600), tolerance: 7200))
    }

    @Test func changingTheTimestampBreaksTheSignature() {
        let header = WebhookSignature.sign(body: body, secret: secret, timestamp: signedAt)
        let moved = header.replacingOccurrences(of: "t=1795678200", with: "t=1795678260")
        #expect(throws: WebhookSignature.VerificationError.signatureMismatch) {
            try WebhookSignature.verify(header: moved, body: body, secret: secret, now: signedAt)
        }
    }

    @Test func malformedHeadersAreRejected() {
        for header in ["", "v1=abcd", "t=,v1=00", "t=abc,v1=00", "t=-5,v1=00", "t=1795678200,t=1795678200,v1=00"] {
            #expect(throws: WebhookSignature.VerificationError.malformedHeader, "\(header)") {
                try WebhookSignature.verify(header: header, body: body, secret: secret, now: signedAt)
            }
        }
        #expect(throws: WebhookSignature.VerificationError.signatureMismatch) {
            try WebhookSignature.verify(header: "t=1795678200", body: body, secret: secret, now: signedAt)
        }
        #expect(throws: WebhookSignature.VerificationError.signatureMismatch) {
            try WebhookSignature.verify(header: "t=1795678200,v1=zz", body: body, secret: secret, now: signedAt)
        }
    }

    @Test func anyOfSeveralSignaturesMayMatch() throws {
        let good = WebhookSignature.sign(body: body, secret: secret, timestamp: signedAt)
        let v1 = try #require(good.split(separator: ",").last)
        let header = "t=1795678200,v1=\(String(repeating: "0", count: 64)),\(v1),v0=ignored"
        try WebhookSignature.verify(header: header, body: body, secret: secret, now: signedAt)
    }
}
