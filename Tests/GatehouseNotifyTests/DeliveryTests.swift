import Foundation
import Testing
@testable import GatehouseNotify

@Suite struct NotifyDeliveryTests {
    let recorder = Recorder()
    let policy = RetryPolicy(maximumAttempts: 4, initialDelay: .milliseconds(10), maximumDelay: .milliseconds(50),
                             attemptTimeout: .seconds(10))

    func sender(_ targets: [NotificationTarget], policy: RetryPolicy? = nil) -> NotificationSender {
        let recorder = recorder
        return NotificationSender(
            targets: targets, policy: policy ?? self.policy, onFailure: { recorder.fail($0) },
            sleep: { recorder.sleep($0) })
    }

    @Test func signedWebhookIsRetriedAfterServerErrorsUntilAccepted() async throws {
        let receiver = try await LocalReceiver.start(replies: [.init(status: 500), .init(status: 500), .init(status: 200)], secret: "whsec_test")
        let sender = sender([try NotificationTarget(name: "ops", kind: .webhook, url: receiver.url(), secret: "whsec_test")])
        let notice = Fixtures.notice()
        let reports = await sender.deliver(notice)
        await sender.shutdown()
        await receiver.stop()

        #expect(reports.count == 1)
        #expect(reports[0].delivered)
        #expect(reports[0].attempts == 3)
        #expect(reports[0].status == 200)
        #expect(recorder.failures.isEmpty)
        #expect(recorder.sleeps.count == 2, "one backoff wait before each retry")

        let received = receiver.received
        #expect(received.count == 3)
        for request in received {
            #expect(request.path == "/hook")
            #expect(request.signatureValid == true, "every attempt carries a valid signature")
            #expect(request.headers["content-type"] == "application/json; charset=utf-8")
            #expect(request.headers["x-gatehouse-event"] == "approval.requested")
            #expect(request.headers["x-gatehouse-delivery"] == notice.id)
            #expect(request.body == GenericWebhookPayload.body(notice), "the same body on every attempt")
        }
        let json = try Fixtures.object(received[2].body)
        #expect(json["id"] as? String == notice.id)
        #expect(json["type"] as? String == "approval.requested")
    }

    @Test func alwaysFailingReceiverEndsInOneFailureCallbackAfterAllAttempts() async throws {
        let receiver = try await LocalReceiver.start(replies: [.init(status: 503)])
        let sender = sender([try NotificationTarget(name: "down", kind: .webhook, url: receiver.url("/hook?token=abc"))])
        let reports = await sender.deliver(Fixtures.notice())
        await sender.shutdown()
        await receiver.stop()

        #expect(receiver.received.count == 4)
        #expect(recorder.sleeps.count == 3)
        #expect(reports.first?.delivered == false)
        let failures = recorder.failures
        #expect(failures.count == 1)
        let failure = try #require(failures.first)
        #expect(failure.attempts == 4)
        #expect(failure.lastStatus == 503)
        #expect(failure.targetName == "down")
        #expect(failure.type == "approval.requested")
        #expect(failure.requestID == "req-123")
        #expect(!failure.description.contains("token=abc"), "the URL's query never reaches logs")
        #expect(receiver.received.allSatisfy { $0.headers["x-gatehouse-signature"] == nil }, "no secret, no signature")
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let receiver = try await LocalReceiver.start(replies: [.init(status: 400)])
        let sender = sender([try NotificationTarget(name: "bad", kind: .slack, url: receiver.url())])
        _ = await sender.deliver(Fixtures.notice())
        await sender.shutdown()
        await receiver.stop()
        #expect(receiver.received.count == 1)
        #expect(recorder.sleeps.isEmpty)
        #expect(recorder.failures.count == 1)
        #expect(recorder.failures.first?.lastStatus == 400)
        #expect(recorder.failures.first?.reason.contains("nope") == true, "a short excerpt of the answer")
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        let receiver = try await LocalReceiver.start(replies: [.init(status: 429, retryAfter: "7"), .init(status: 204)])
        let sender = sender([try NotificationTarget(name: "slow", kind: .webhook, url: receiver.url())])
        let reports = await sender.deliver(Fixtures.notice())
        await sender.shutdown()
        await receiver.stop()
        #expect(reports.first?.delivered == true)
        #expect(reports.first?.attempts == 2)
        #expect(recorder.sleeps == [.seconds(7)], "waits as long as the server asked")
    }

    @Test func refusedConnectionsAreRetriedThenReported() async throws {
        // A port that was just listening and is now closed.
        let receiver = try await LocalReceiver.start(replies: [.init(status: 200)])
        let url = receiver.url()
        await receiver.stop()
        let sender = sender([try NotificationTarget(name: "gone", kind: .teams, url: url)],
                            policy: RetryPolicy(maximumAttempts: 3, initialDelay: .milliseconds(1), attemptTimeout: .milliseconds(500)))
        let reports = await sender.deliver(Fixtures.notice())
        await sender.shutdown()
        #expect(reports.first?.delivered == false)
        #expect(recorder.failures.count == 1)
        #expect(recorder.failures.first?.attempts == 3)
        #expect(recorder.failures.first?.lastStatus == nil)
        #expect(recorder.sleeps.count == 2)
    }

    @Test func eachKindReceivesItsOwnPayload() async throws {
        let receiver = try await LocalReceiver.start(replies: [.init(status: 200)], secret: "k")
        let sender = sender([
            try NotificationTarget(name: "w", kind: .webhook, url: receiver.url("/webhook"), secret: "k"),
            try NotificationTarget(name: "s", kind: .slack, url: receiver.url("/slack")),
            try NotificationTarget(name: "t", kind: .teams, url: receiver.url("/teams")),
        ])
        let notice = Fixtures.notice()
        let reports = await sender.deliver(notice)
        await sender.shutdown()
        await receiver.stop()
        #expect(reports.map(\.target.name) == ["w", "s", "t"])
        #expect(reports.allSatisfy { $0.delivered })
        let byPath = Dictionary(grouping: receiver.received, by: \.path)
        #expect(byPath["/webhook"]?.first?.body == GenericWebhookPayload.body(notice))
        #expect(byPath["/webhook"]?.first?.signatureValid == true)
        #expect(byPath["/slack"]?.first?.body == SlackPayload.body(notice))
        #expect(byPath["/teams"]?.first?.body == TeamsPayload.body(notice))
        #expect(byPath["/slack"]?.first?.headers["x-gatehouse-signature"] == nil)
        #expect(byPath["/teams"]?.first?.headers["x-gatehouse-delivery"] == nil)
    }

    @Test func notifyReturnsAtOnceAndShutdownWaitsForDelivery() async throws {
        let receiver = try await LocalReceiver.start(replies: [.init(status: 500), .init(status: 200)])
        let sender = sender([try NotificationTarget(name: "bg", kind: .webhook, url: receiver.url())])
        sender.notify(Fixtures.notice())
        sender.notify(Fixtures.notice(.approved))
        await sender.shutdown()
        sender.notify(Fixtures.notice(.expired))  // after shutdown: ignored
        await receiver.stop()
        let types = receiver.received.compactMap { $0.headers["x-gatehouse-event"] }
        #expect(Set(types) == ["approval.requested", "approval.approved"])
        #expect(types.count == 3, "one of the two was retried once")
        #expect(recorder.failures.isEmpty)
    }

    @Test func deliveringAfterShutdownFailsAtOnce() async throws {
        let receiver = try await LocalReceiver.start(replies: [.init(status: 200)])
        let sender = sender([try NotificationTarget(name: "late", kind: .webhook, url: receiver.url())])
        await sender.shutdown()
        let reports = await sender.deliver(Fixtures.notice())
        await receiver.stop()
        #expect(receiver.received.isEmpty)
        #expect(reports.first?.attempts == 1)
        #expect(recorder.failures.count == 1)
        #expect(recorder.sleeps.isEmpty, "no retries against a closed client")
    }
}
