import Foundation
import Testing
@testable import GatehouseNotify

@Suite struct NotifyTargetAndPolicyTests {
    @Test func plainHTTPIsOnlyAllowedToLoopback() throws {
        _ = try NotificationTarget(name: "a", kind: .webhook, url: "https://hooks.example.com/x", secret: "s")
        _ = try NotificationTarget(name: "b", kind: .webhook, url: "http://127.0.0.1:8080/x")
        _ = try NotificationTarget(name: "c", kind: .slack, url: "http://localhost/x")
        _ = try NotificationTarget(name: "d", kind: .teams, url: "http://[::1]:9/x")
        for url in ["http://hooks.example.com/x", "http://10.0.0.1/x", "ftp://127.0.0.1/x", "not a url", "/relative"] {
            #expect(throws: NotificationTargetError.self, "\(url)") {
                try NotificationTarget(name: "x", kind: .webhook, url: url)
            }
        }
    }

    @Test func secretsOnlyForWebhooksAndNeverEmpty() {
        #expect(throws: NotificationTargetError.self) {
            try NotificationTarget(name: "s", kind: .slack, url: "https://hooks.slack.com/services/T/B/X", secret: "s")
        }
        #expect(throws: NotificationTargetError.self) {
            try NotificationTarget(name: "w", kind: .webhook, url: "https://h.example.com/", secret: "")
        }
    }

    @Test func descriptionsHideThePathAndTheSecret() throws {
        let target = try NotificationTarget(name: "ops", kind: .teams,
                                            url: "https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=SECRETSIG")
        #expect(target.description == "teams target 'ops' (prod-1.westeurope.logic.azure.com)")
        #expect(!"\(target)".contains("SECRETSIG"))
        let webhook = try NotificationTarget(name: "w", kind: .webhook, url: "https://h.example.com/", secret: "topsecret")
        #expect(!String(reflecting: webhook).contains("topsecret"))
    }

    @Test func backoffGrowsIsCappedAndJittered() {
        let policy = RetryPolicy(maximumAttempts: 6, initialDelay: .seconds(1), multiplier: 2, maximumDelay: .seconds(5), jitter: 0.5)
        #expect(policy.delay(beforeRetry: 1, random: 0) == .seconds(1))
        #expect(policy.delay(beforeRetry: 2, random: 0) == .seconds(2))
        #expect(policy.delay(beforeRetry: 3, random: 0) == .seconds(4))
        #expect(policy.delay(beforeRetry: 4, random: 0) == .seconds(5), "capped")
        #expect(policy.delay(beforeRetry: 2, random: 1) == .seconds(1), "jitter takes up to half off")
        #expect(policy.delay(beforeRetry: 2, random: 0.5) == .milliseconds(1500))
    }

    @Test func retryAfterIsRespectedUpToTheCap() {
        let policy = RetryPolicy(initialDelay: .seconds(1), maximumRetryAfter: .seconds(60))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(7), random: 0) == .seconds(7))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(3600), random: 0) == .seconds(60))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .zero, random: 0) == .seconds(1), "never shorter than the backoff")
    }

    @Test func retryAfterHeaderForms() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(NotificationSender.retryAfter("120", now: now) == .seconds(120))
        #expect(NotificationSender.retryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now: now) == .seconds(30))
        #expect(NotificationSender.retryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
        #expect(NotificationSender.retryAfter("soon", now: now) == nil)
        #expect(NotificationSender.retryAfter("-3", now: now) == nil)
    }
}
