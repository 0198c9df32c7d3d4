import Crypto
import Foundation
import GatehouseCore
import Testing
@testable import GatehouseLedger

/// The `blob` kind: round trips, the subjects sealed and the rest clear, strictness
/// (docs/evidence.md, "`blob`").
@Suite struct LedgerEntryBlobTests {
    static let key = try! DataKey(id: "s-blob-1", bytes: (0..<32).map { UInt8($0) })
    static let time = Date(timeIntervalSince1970: 1_795_687_200.5)
    static let agent = Principal(subject: "alice@example.com", issuer: "https://idp.example.com", username: "alice",
                                 agentApplication: "claude-code", groups: ["engineers"])
    static let digest = SubjectReference(kind: "email", digest: String(repeating: "cd", count: 32))

    static let request = BlobActivity(phase: BlobActivity.Phase.request, operation: "get-blob", container: "exports",
                                      blob: "customers/[EMAIL].json", range: "bytes=0-1023", decision: BlobActivity.Decision.allowed,
                                      approval: "apr_0123456789abcdef")
    static let response = BlobActivity(phase: BlobActivity.Phase.response, operation: "get-blob", container: "exports",
                                       blob: "customers/[EMAIL].json", range: "bytes=0-1023", status: 206, bytesFromUpstream: 4096,
                                       bytesToClient: 1024, sha256: String(repeating: "0a", count: 32), maskedValues: 3,
                                       subjects: [digest])
    static let truncated = BlobActivity(phase: BlobActivity.Phase.response, operation: "get-blob", container: "exports",
                                        blob: "exports.json", status: 200, bytesFromUpstream: 10, bytesToClient: 10,
                                        sha256: String(repeating: "0b", count: 32), maskedValues: 1_500, subjects: [digest],
                                        subjectsTruncated: true)
    static let refused = BlobActivity(phase: BlobActivity.Phase.request, operation: "unrecognised", container: "exports",
                                      decision: BlobActivity.Decision.refused, reason: "copying from a URL is not an operation Gatehouse allows")
    static let listing = BlobActivity(phase: BlobActivity.Phase.request, operation: "list-containers", decision: BlobActivity.Decision.allowed)

    static func event(_ activity: BlobActivity) -> GatehouseEvent {
        GatehouseEvent(time: time, sessionID: key.id, connection: "exports", principal: agent, payload: .blob(activity))
    }

    @Test(arguments: [request, response, refused, listing, truncated])
    func roundTripsAndReEncodesToTheSameBytes(activity: BlobActivity) throws {
        let event = Self.event(activity)
        let bytes = try LedgerEntryCodec.encode(event, sealingWith: Self.key)
        #expect(try LedgerEntryCodec.decode(bytes, dataKey: Self.key) == .event(event))
        let envelope = try LedgerEntryCodec.decode(bytes)
        #expect(try envelope.canonicalBytes() == bytes)
        #expect(envelope.kind == "blob")
    }

    @Test func whomADownloadNamedIsSealedAndTheRestIsClear() throws {
        let bytes = try LedgerEntryCodec.encode(Self.event(Self.response), sealingWith: Self.key)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains(Self.digest.digest))
        #expect(text.contains(#""blob":"customers/[EMAIL].json""#))
        #expect(text.contains(#""sha256":""#))
    }

    @Test func approvalStepsOfABlobRequestNameItsBlobAndRoundTrip() throws {
        let requested = EventPayload.Approval(step: .requested, requestID: "apr_1", statementIDs: [], reasons: ["get-blob reads …"],
                                              categories: ["contact"], statement: "get-blob exports/customers/[EMAIL].json",
                                              blobs: ["exports/customers/[EMAIL].json"])
        let used = EventPayload.Approval(step: .grantUsed, requestID: "apr_1", statementIDs: [],
                                         grant: .init(kind: .timeBoxed, expires: Self.time, relations: [], blobs: ["exports/customers/"]))
        for approval in [requested, used] {
            let event = GatehouseEvent(time: Self.time, sessionID: Self.key.id, connection: "exports", principal: Self.agent,
                                       payload: .approval(approval))
            let bytes = try LedgerEntryCodec.encode(event, sealingWith: Self.key)
            #expect(try LedgerEntryCodec.decode(bytes, dataKey: Self.key) == .event(event))
            #expect(try LedgerEntryCodec.decode(bytes).canonicalBytes() == bytes)
            #expect(String(decoding: bytes, as: UTF8.self).contains(#""blobs":["exports/customers/"#))
        }
    }

    @Test func anUndefinedPhaseOrDecisionIsRefused() {
        var phase = Self.request
        phase.phase = "maybe"
        #expect(throws: LedgerEntryError.self) { try LedgerEntryCodec.encode(Self.event(phase), sealingWith: Self.key) }
        var decision = Self.request
        decision.decision = "perhaps"
        #expect(throws: LedgerEntryError.self) { try LedgerEntryCodec.encode(Self.event(decision), sealingWith: Self.key) }
    }
}
