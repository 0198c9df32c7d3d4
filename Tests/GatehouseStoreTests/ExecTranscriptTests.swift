import Foundation
import GatehouseCore
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// An exec session's stream entries, written to a real ledger and read back as the transcript the
/// web UI shows and `gatehouse audit replay` writes.
@Suite struct ExecTranscriptTests {
    let fixture = RecorderFixture()

    static func activity(_ phase: String) -> KubeActivity {
        KubeActivity(phase: phase, operation: "exec", path: "/api/v1/namespaces/shop/pods/web-1/exec", namespace: "shop", pod: "web-1")
    }

    static func chunk(_ channel: String, at microseconds: Int, _ data: String? = nil, base64: Bool = false,
                      size: (Int, Int)? = nil) -> KubeActivity {
        var event = activity(KubeActivity.Phase.stream)
        event.tty = true
        event.channel = channel
        event.elapsedMicroseconds = microseconds
        event.data = data
        event.encoding = base64 ? KubeActivity.base64Encoding : nil
        event.width = size?.0
        event.height = size?.1
        return event
    }

    /// Request, a resize, typed input, masked output, a binary stdin chunk, a second resize, the response.
    static func session(_ id: String) -> [GatehouseEvent] {
        var request = activity(KubeActivity.Phase.request)
        request.decision = KubeActivity.Decision.allowed
        request.command = "sh"
        request.tty = true
        var response = activity(KubeActivity.Phase.response)
        response.status = 101
        response.exitCode = 4
        let activities = [
            request,
            chunk(KubeActivity.Channel.resize, at: 1_000, size: (100, 30)),
            chunk(KubeActivity.Channel.stdin, at: 250_000, "cat notes.txt\r"),
            chunk(KubeActivity.Channel.stdout, at: 260_500, "\u{1B}[1mCall back\u{1B}[0m [EMAIL]\r\n"),
            chunk(KubeActivity.Channel.stdin, at: 300_000, Data([0, 1, 2]).base64EncodedString(), base64: true),
            chunk(KubeActivity.Channel.resize, at: 1_500_000, size: (120, 40)),
            response,
        ]
        return activities.map { GatehouseEvent(time: SampleEvents.time, sessionID: id, connection: "prod", principal: SampleEvents.principal, payload: .kubernetes($0)) }
    }

    @Test func streamEntriesReadBackAsTheTranscriptAndAsciicast() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record(Self.session("k1"))
        let browser = LedgerBrowser(store: recorder.store, masterKey: fixture.masterKey, verifier: nil)
        let transcript = try #require(try browser.transcript(sessionID: "k1"))
        #expect(transcript.command == "sh" && transcript.tty && transcript.exitCode == 4)
        #expect(transcript.width == 100 && transcript.height == 30 && transcript.binaryChunks == 1)
        #expect(transcript.events.map(\.code) == ["r", "i", "o", "r"])
        #expect(transcript.events.map(\.time) == [0.001, 0.25, 0.2605, 1.5])
        #expect(transcript.readableOutput == "Call back [EMAIL]\n")

        let lines = transcript.asciicast(title: "t").split(separator: "\n").map { String($0) }
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(header["version"] as? Int == 2 && header["width"] as? Int == 100 && header["height"] as? Int == 30)
        #expect(header["command"] as? String == "sh" && header["timestamp"] as? Int == Int(SampleEvents.time.timeIntervalSince1970))
        let events = try lines.dropFirst().map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Any]) }
        #expect(events.count == 4)
        #expect(events[2][1] as? String == "o" && events[2][2] as? String == "\u{1B}[1mCall back\u{1B}[0m [EMAIL]\r\n")
        #expect(events[3][2] as? String == "120x40")

        // The timeline shows the request and response; the chunks are its transcript.
        let timeline = try #require(try browser.timeline(sessionID: "k1"))
        #expect(timeline.entries.count == 2 && timeline.summary.entryCount == 7)
        #expect(timeline.transcript == transcript && !timeline.transcriptUnreadable)
    }

    @Test func withoutATerminalLineEndsAreMadePlayable() throws {
        var output = Self.chunk(KubeActivity.Channel.stdout, at: 10, "a\nb\n")
        output.tty = false
        let event = GatehouseEvent(time: SampleEvents.time, sessionID: "k", connection: "prod", principal: nil, payload: .kubernetes(output))
        let transcript = try #require(try ExecTranscript(events: [event]))
        #expect(transcript.output == "a\r\nb\r\n" && transcript.width == 80 && transcript.height == 24)
        let noStream = try ExecTranscript(events: [GatehouseEvent(time: SampleEvents.time, sessionID: "k", connection: "prod", principal: nil,
                                                                  payload: .kubernetes(Self.activity(KubeActivity.Phase.request)))])
        #expect(noStream == nil)
    }

    @Test func eventsArePlayedInTimeOrderThoughTheTwoDirectionsWereRecordedConcurrently() throws {
        let output = Self.chunk(KubeActivity.Channel.stdout, at: 500, "x\r\n"), typed = Self.chunk(KubeActivity.Channel.stdin, at: 400, "x")
        let events = [output, typed].map {
            GatehouseEvent(time: SampleEvents.time, sessionID: "k", connection: "prod", principal: nil, payload: .kubernetes($0))
        }
        let transcript = try #require(try ExecTranscript(events: events))
        #expect(transcript.events.map(\.code) == ["i", "o"])
    }

    @Test func anErasedSessionsTranscriptCannotBeRead() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record(Self.session("k1"))
        _ = try await LedgerErasure(recorder: recorder).erase(sessions: ["k1"], scope: "session", reason: "DSAR-2", requestedBy: "dpo")
        let browser = LedgerBrowser(store: recorder.store, masterKey: fixture.masterKey, verifier: nil)
        #expect(throws: ExecTranscript.Unreadable.self) { try browser.transcript(sessionID: "k1") }
        let timeline = try #require(try browser.timeline(sessionID: "k1"))
        #expect(timeline.transcript == nil && timeline.transcriptUnreadable)
    }
}
