import Crypto
import Foundation
import GatehouseCore
import Testing
@testable import GatehouseLedger

/// The `kubernetes` kind: round trips, the subjects sealed and the rest clear, strictness
/// (docs/evidence.md, "`kubernetes`").
@Suite struct LedgerEntryKubernetesTests {
    static let key = try! DataKey(id: "s-k8s-1", bytes: (0..<32).map { UInt8($0) })
    static let time = Date(timeIntervalSince1970: 1_795_687_200.5)
    static let agent = Principal(subject: "alice@example.com", issuer: "https://idp.example.com", username: "alice",
                                 agentApplication: "claude-code", groups: ["engineers"])
    static let digest = SubjectReference(kind: "email", digest: String(repeating: "ef", count: 32))

    static let request = KubeActivity(phase: KubeActivity.Phase.request, operation: "logs", path: "/api/v1/namespaces/shop/pods/web-1/log",
                                      namespace: "shop", pod: "web-1", container: "app", decision: KubeActivity.Decision.allowed,
                                      approval: "apr_0123456789abcdef")
    static let response = KubeActivity(phase: KubeActivity.Phase.response, operation: "logs", path: "/api/v1/namespaces/shop/pods/web-1/log",
                                       namespace: "shop", pod: "web-1", status: 200, bytesFromUpstream: 4096, bytesToClient: 3900,
                                       sha256: String(repeating: "0a", count: 32), maskedValues: 3, subjects: [digest])
    static let refused = KubeActivity(phase: KubeActivity.Phase.request, operation: "unrecognised", path: "/api/v1/namespaces/shop/secrets",
                                      decision: KubeActivity.Decision.refused, reason: "reading secrets is not an operation Gatehouse allows")
    static let discovery = KubeActivity(phase: KubeActivity.Phase.response, operation: "discovery", path: "/api", status: 200,
                                        bytesFromUpstream: 100, bytesToClient: 100, sha256: String(repeating: "0b", count: 32),
                                        maskedValues: 1_500, subjects: [digest], subjectsTruncated: true)

    static let exec = KubeActivity(phase: KubeActivity.Phase.request, operation: "exec", path: "/api/v1/namespaces/shop/pods/web-1/exec",
                                   namespace: "shop", pod: "web-1", container: "app",
                                   command: "sh -c 'grep anna.schmidt@example.com /data/customers.csv'", tty: false,
                                   decision: KubeActivity.Decision.allowed)
    static let execEnded = KubeActivity(phase: KubeActivity.Phase.response, operation: "exec", path: "/api/v1/namespaces/shop/pods/web-1/exec",
                                        namespace: "shop", pod: "web-1", status: 101, bytesFromUpstream: 120, bytesToClient: 90,
                                        sha256: String(repeating: "0c", count: 32), maskedValues: 1, subjects: [digest], stdinBytes: 12,
                                        exitCode: 3)

    static func chunk(_ channel: String, _ data: String?, encoding: String? = nil, size: (Int, Int)? = nil) -> KubeActivity {
        var chunk = KubeActivity(phase: KubeActivity.Phase.stream, operation: "exec", path: "/api/v1/namespaces/shop/pods/web-1/exec",
                                 namespace: "shop", pod: "web-1", tty: true)
        chunk.channel = channel
        chunk.elapsedMicroseconds = 1_250_000
        chunk.data = data
        chunk.encoding = encoding
        chunk.width = size?.0
        chunk.height = size?.1
        if channel == KubeActivity.Channel.stdout {
            chunk.bytesToClient = data?.utf8.count
            chunk.maskedValues = 1
            chunk.subjects = [digest]
        }
        return chunk
    }
    static let typed = chunk(KubeActivity.Channel.stdin, "grep anna.schmidt@example.com notes\r")
    static let shown = chunk(KubeActivity.Channel.stdout, "Call back [EMAIL]\r\n")
    static let copiedIn = chunk(KubeActivity.Channel.stdin, "AAEC", encoding: KubeActivity.base64Encoding)
    static let resized = chunk(KubeActivity.Channel.resize, nil, size: (120, 40))

    static func event(_ activity: KubeActivity) -> GatehouseEvent {
        GatehouseEvent(time: time, sessionID: key.id, connection: "prod", principal: agent, payload: .kubernetes(activity))
    }

    @Test(arguments: [request, response, refused, discovery, exec, execEnded, typed, shown, copiedIn, resized])
    func roundTripsAndReEncodesToTheSameBytes(activity: KubeActivity) throws {
        let event = Self.event(activity)
        let bytes = try LedgerEntryCodec.encode(event, sealingWith: Self.key)
        #expect(try LedgerEntryCodec.decode(bytes, dataKey: Self.key) == .event(event))
        let envelope = try LedgerEntryCodec.decode(bytes)
        #expect(try envelope.canonicalBytes() == bytes)
        #expect(envelope.kind == "kubernetes")
    }

    @Test func whomAnAnswerNamedIsSealedAndTheRestIsClear() throws {
        let bytes = try LedgerEntryCodec.encode(Self.event(Self.response), sealingWith: Self.key)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains(Self.digest.digest))
        #expect(text.contains(#""pod":"web-1""#) && text.contains(#""path":"/api/v1/namespaces/shop/pods/web-1/log""#))
    }

    @Test func anExecsCommandIsSealedItsExitCodeClear() throws {
        let bytes = try LedgerEntryCodec.encode(Self.event(Self.exec), sealingWith: Self.key)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("anna.schmidt") && !text.contains("grep"))
        #expect(try LedgerEntryCodec.decode(bytes, dataKey: Self.key) == .event(Self.event(Self.exec)))
        let ended = String(decoding: try LedgerEntryCodec.encode(Self.event(Self.execEnded), sealingWith: Self.key), as: UTF8.self)
        #expect(ended.contains(#""exitCode":3"#) && ended.contains(#""stdinBytes":12"#))
    }

    @Test func aStreamChunkIsSealedItsChannelTimingAndSizeClear() throws {
        for chunk in [Self.typed, Self.shown] {
            let text = String(decoding: try LedgerEntryCodec.encode(Self.event(chunk), sealingWith: Self.key), as: UTF8.self)
            #expect(!text.contains("anna.schmidt") && !text.contains("Call back") && !text.contains(Self.digest.digest))
            #expect(text.contains(#""phase":"stream""#) && text.contains(#""elapsedMicroseconds":1250000"#))
        }
        let resize = String(decoding: try LedgerEntryCodec.encode(Self.event(Self.resized), sealingWith: Self.key), as: UTF8.self)
        #expect(resize.contains(#""channel":"resize""#) && resize.contains(#""width":120"#) && resize.contains(#""height":40"#))
        #expect(!resize.contains(#""sealed""#))
    }

    @Test func approvalStepsOfAKubernetesRequestNameItsPodAndRoundTrip() throws {
        let requested = EventPayload.Approval(step: .requested, requestID: "apr_1", statementIDs: [], reasons: ["exec reaches …"],
                                              categories: ["financial"], statement: "exec shop/billing-0 -- cat /data/x",
                                              pods: ["shop/billing-0"])
        let used = EventPayload.Approval(step: .grantUsed, requestID: "apr_1", statementIDs: [],
                                         grant: .init(kind: .timeBoxed, expires: Self.time, relations: [], pods: ["shop/"]))
        for approval in [requested, used] {
            let event = GatehouseEvent(time: Self.time, sessionID: Self.key.id, connection: "prod", principal: Self.agent,
                                       payload: .approval(approval))
            let bytes = try LedgerEntryCodec.encode(event, sealingWith: Self.key)
            #expect(try LedgerEntryCodec.decode(bytes, dataKey: Self.key) == .event(event))
            #expect(try LedgerEntryCodec.decode(bytes).canonicalBytes() == bytes)
            #expect(String(decoding: bytes, as: UTF8.self).contains(#""pods":["shop/"#))
        }
    }

    @Test func anUndefinedPhaseDecisionChannelOrEncodingIsRefused() {
        var phase = Self.request, decision = Self.request, channel = Self.typed, encoding = Self.copiedIn
        phase.phase = "maybe"
        decision.decision = "perhaps"
        channel.channel = "stdsomething"
        encoding.encoding = "hex"
        for activity in [phase, decision, channel, encoding] {
            #expect(throws: LedgerEntryError.self) { try LedgerEntryCodec.encode(Self.event(activity), sealingWith: Self.key) }
        }
    }
}
