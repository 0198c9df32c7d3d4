import Synchronization
import Testing
@testable import GatehouseKubernetes

/// Chunks are forwarded in order and only once recorded; a failed recording stops the stream.
@Suite struct RecordedForwardingTests {
    struct LedgerDown: Error {}

    final class Log: Sendable {
        let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test func chunksGoOutInOrderEachAfterItsRecordingEvenWhenRecordingsFinishOutOfOrder() async throws {
        let log = Log()
        var forwarding = RecordedForwarding(window: 4)
        for index in 0..<10 {
            // Earlier chunks take longer to record: forwarding must still keep their order.
            let delay = UInt64(10 - index) * 2_000_000
            try await forwarding.submit(record: {
                try await Task.sleep(nanoseconds: delay)
                log.add("recorded \(index)")
            }, forward: { log.add("forwarded \(index)") })
        }
        try await forwarding.drain()
        let entries = log.all
        let forwarded = entries.filter { $0.hasPrefix("forwarded") }
        #expect(forwarded == (0..<10).map { "forwarded \($0)" })
        for index in 0..<10 {
            let recorded = try #require(entries.firstIndex(of: "recorded \(index)"))
            let sent = try #require(entries.firstIndex(of: "forwarded \(index)"))
            #expect(recorded < sent)
        }
    }

    @Test func aFailedRecordingForwardsNeitherItsChunkNorAnyLaterOne() async throws {
        let log = Log()
        var forwarding = RecordedForwarding(window: 2)
        var failure: Error?
        do {
            for index in 0..<8 {
                try await forwarding.submit(record: {
                    if index == 3 { throw LedgerDown() }
                }, forward: { log.add("forwarded \(index)") })
            }
            try await forwarding.drain()
        } catch {
            failure = error
        }
        #expect(failure is LedgerDown)
        // Later chunks may still be in flight when the error surfaces: give them time to (not) go out.
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(log.all == ["forwarded 0", "forwarded 1", "forwarded 2"])
    }
}
