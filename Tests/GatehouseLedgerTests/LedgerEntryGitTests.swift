import Crypto
import Foundation
import GatehouseCore
import Testing
@testable import GatehouseLedger

/// The `git` kind: round trips, which fields are sealed, strictness, and one entry byte for byte
/// (docs/evidence.md, "`git`").
@Suite struct LedgerEntryGitTests {
    static let key = try! DataKey(id: "s-git-1", bytes: (0..<32).map { UInt8($0) })
    static let nonce = try! AES.GCM.Nonce(data: (0..<12).map { 0xA0 + UInt8($0) })
    static let time = Date(timeIntervalSince1970: 1_795_687_200.123)
    static let agent = Principal(subject: "alice@example.com", issuer: "https://idp.example.com", username: "alice",
                                 agentApplication: "claude-code", groups: ["engineers"])

    static let commitA = GitActivity.CommitRecord(
        id: String(repeating: "a", count: 40), tree: String(repeating: "1", count: 40), parents: [String(repeating: "0f", count: 20)],
        authorName: "Zoë Quartermain", authorEmail: "zoe@example.com", authorTime: Date(timeIntervalSince1970: 1_795_680_000),
        committerName: "Alice", committerEmail: "alice@example.com", committerTime: Date(timeIntervalSince1970: 1_795_683_600),
        message: "Fix invoice rounding\n\nReported by Mrs \"Q\"\t(tab)\n")
    static let commitB = GitActivity.CommitRecord(
        id: String(repeating: "b", count: 40), tree: String(repeating: "2", count: 40), parents: [String(repeating: "a", count: 40)],
        authorName: "Alice", authorEmail: "alice@example.com", authorTime: Date(timeIntervalSince1970: 1_795_684_000),
        committerName: "Alice", committerEmail: "alice@example.com", committerTime: Date(timeIntervalSince1970: 1_795_684_000),
        message: "Add test")
    static let emailDigest = SubjectReference(kind: "email", digest: String(repeating: "ab", count: 32))

    static let push = GitActivity(
        service: .receivePack, operation: GitActivity.Operation.push, repository: "team/app.git", protocolVersion: 0,
        refUpdates: [.init(ref: "refs/heads/main", old: String(repeating: "0f", count: 20), new: String(repeating: "b", count: 40),
                           kind: "update"),
                     .init(ref: "refs/heads/old", old: String(repeating: "c", count: 40), new: String(repeating: "0", count: 40),
                           kind: "delete")],
        commits: [commitA, commitB], decision: GitActivity.Decision.allowed,
        findings: [.init(path: "fixtures/customers.csv", kind: "email", count: 3)], approval: "apr_0123456789abcdef",
        subjects: [emailDigest])
    static let fetch = GitActivity(service: .uploadPack, operation: GitActivity.Operation.fetch, repository: "team/app.git",
                                   protocolVersion: 2, wants: [String(repeating: "b", count: 40)])
    static let advertisement = GitActivity(service: .uploadPack, operation: GitActivity.Operation.advertisement,
                                           repository: "team/app.git", protocolVersion: 2, refsAdvertised: 12)
    static let refused = GitActivity(service: .receivePack, operation: GitActivity.Operation.push, repository: "team/app.git",
                                     refUpdates: [.init(ref: "refs/heads/main", old: String(repeating: "a", count: 40),
                                                        new: String(repeating: "b", count: 40), kind: "update")],
                                     commits: [commitB], decision: GitActivity.Decision.refused,
                                     reason: "refs/heads/main: force push refused by policy")

    static func event(_ activity: GitActivity) -> GatehouseEvent {
        GatehouseEvent(time: time, sessionID: key.id, connection: "forge", principal: agent, payload: .git(activity))
    }

    @Test(arguments: [push, fetch, advertisement, refused])
    func roundTripsAndReEncodesToTheSameBytes(activity: GitActivity) throws {
        let event = Self.event(activity)
        let bytes = try LedgerEntryCodec.encode(event, sealingWith: Self.key)
        let decoded = try LedgerEntryCodec.decode(bytes, dataKey: Self.key)
        #expect(decoded == .event(event))
        let envelope = try LedgerEntryCodec.decode(bytes)
        let reEncoded = try envelope.canonicalBytes()
        #expect(reEncoded == bytes)
        #expect(envelope.kind == "git")
        let canonical = try CanonicalJSONValue(canonicalBytes: bytes).canonicalBytes()
        #expect(canonical == bytes)
    }

    @Test func fetchesAndAdvertisementsHaveNothingToSeal() throws {
        for activity in [Self.fetch, Self.advertisement] {
            let bytes = try LedgerEntryCodec.encode(Self.event(activity), sealingWith: Self.key)
            #expect(!String(decoding: bytes, as: UTF8.self).contains("\"sealed\""))
            let decoded = try LedgerEntryCodec.decode(bytes, dataKey: nil)
            #expect(decoded == .event(Self.event(activity)))
        }
    }

    @Test func withoutTheKeyIDsRefsAndApprovalStayButAuthorsAndMessagesDoNot() throws {
        let bytes = try LedgerEntryCodec.encode(Self.event(Self.push), sealingWith: Self.key)
        let text = String(decoding: bytes, as: UTF8.self)
        for personal in ["Zoë", "zoe@example.com", "Quartermain", "invoice", "Add test"] { #expect(!text.contains(personal)) }
        let contents = try LedgerEntryCodec.decode(bytes, dataKey: nil)
        guard case .sealedUnavailable(let envelope) = contents, case .git(let git) = envelope.payload else {
            Issue.record("expected a sealed git envelope, got \(contents)")
            return
        }
        #expect(git.commits.map(\.id) == [Self.commitA.id, Self.commitB.id])
        #expect(git.commits[1].parents == [Self.commitA.id])
        #expect(git.refUpdates == Self.push.refUpdates)
        #expect(git.approval == "apr_0123456789abcdef")
        #expect(git.findings == Self.push.findings)
        #expect(envelope.principal == Self.agent)
    }

    @Test func theSplitSealsExactlyThePersonalFields() throws {
        let (envelope, sealed) = LedgerEntryEnvelope.split(Self.event(Self.push))
        let plaintext = String(decoding: sealed.canonicalBytes(), as: UTF8.self)
        #expect(plaintext == Self.goldenPlaintext)
        let clear = String(decoding: try envelope.associatedData(), as: UTF8.self)
        #expect(clear == Self.goldenEnvelope)
    }

    @Test func theEntryIsByteForByteTheGoldenOne() throws {
        let bytes = try LedgerEntryCodec.encode(Self.event(Self.push), sealingWith: Self.key, nonce: Self.nonce)
        let split = Self.goldenEnvelope.range(of: #","session":"#)!.lowerBound
        let expected = String(Self.goldenEnvelope[..<split]) + Self.goldenSealedMember + String(Self.goldenEnvelope[split...])
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func unknownDecisionsAndRefKindsAreRefusedWhenWritten() {
        var activity = Self.push
        activity.decision = "maybe"
        #expect(throws: LedgerEntryError.self) { try LedgerEntryCodec.encode(Self.event(activity), sealingWith: Self.key) }
        activity = Self.push
        activity.refUpdates[0].kind = "force"
        #expect(throws: LedgerEntryError.self) { try LedgerEntryCodec.encode(Self.event(activity), sealingWith: Self.key) }
    }

    @Test func unknownValuesAndFieldsAreRefusedWhenRead() throws {
        let bytes = try LedgerEntryCodec.encode(Self.event(Self.fetch), sealingWith: Self.key)
        let text = String(decoding: bytes, as: UTF8.self)
        for (from, to) in [(#""decision":"allowed""#, #""decision":"maybe""#), (#""service":"upload-pack""#, #""service":"upload""#),
                           (#""wantsTotal":1"#, #""wantsTotal":"1""#), (#""wants":["#, #""wantz":["#)] {
            let edited = Array(text.replacingOccurrences(of: from, with: to).utf8)
            #expect(edited != bytes)
            #expect(throws: LedgerEntryError.self) { try LedgerEntryCodec.decode(edited) }
        }
    }

    @Test func aPushWithCommitsMustHaveItsBox() throws {
        var (envelope, _) = LedgerEntryEnvelope.split(Self.event(Self.push))
        envelope.sealed = nil
        let bytes = try envelope.canonicalBytes()
        #expect(throws: LedgerEntryError.self) { try LedgerEntryCodec.decode(bytes) }
    }

    @Test func theBoxMustHoldOneSealedCommitPerClearCommit() throws {
        // The clear part of a two-commit push, boxed with the sealed part of a one-commit push.
        var (envelope, _) = LedgerEntryEnvelope.split(Self.event(Self.push))
        let (_, other) = LedgerEntryEnvelope.split(Self.event(Self.refused))
        envelope.sealed = try SealedFieldsBox.seal(other.canonicalBytes(), with: Self.key, nonce: Self.nonce,
                                                   envelope: try envelope.associatedData())
        let bytes = try envelope.canonicalBytes()
        let clear = try LedgerEntryCodec.decode(bytes)
        #expect(clear == envelope)
        #expect(throws: LedgerEntryError.self) { try LedgerEntryCodec.decode(bytes, dataKey: Self.key) }
    }

    @Test func wantsAreCappedButCounted() {
        var activity = Self.fetch
        activity.setWants((0..<1_500).map { String(format: "%040x", $0) })
        #expect(activity.wants.count == GitActivity.wantsLimit)
        #expect(activity.wantsTotal == 1_500)
        #expect(Self.push.commitEmails == ["zoe@example.com", "alice@example.com"])
    }

    static let goldenEnvelope = #"{"connection":"forge","kind":"git","payload":{"approval":"apr_0123456789abcdef","commits":[{"authorTime":"2026-11-26T08:00:00.000Z","committerTime":"2026-11-26T09:00:00.000Z","id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","parents":["0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"],"tree":"1111111111111111111111111111111111111111"},{"authorTime":"2026-11-26T09:06:40.000Z","committerTime":"2026-11-26T09:06:40.000Z","id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","parents":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],"tree":"2222222222222222222222222222222222222222"}],"decision":"allowed","findings":[{"count":3,"kind":"email","path":"fixtures/customers.csv"}],"operation":"push","protocolVersion":0,"refUpdates":[{"kind":"update","new":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","old":"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f","ref":"refs/heads/main"},{"kind":"delete","new":"0000000000000000000000000000000000000000","old":"cccccccccccccccccccccccccccccccccccccccc","ref":"refs/heads/old"}],"repository":"team/app.git","service":"receive-pack","wants":[],"wantsTotal":0},"principal":{"agentApplication":"claude-code","groups":["engineers"],"issuer":"https://idp.example.com","subject":"alice@example.com","username":"alice"},"session":"s-git-1","time":"2026-11-26T10:00:00.123Z","v":1}"#
    static let goldenPlaintext = #"{"commits":[{"authorEmail":"zoe@example.com","authorName":"Zoë Quartermain","committerEmail":"alice@example.com","committerName":"Alice","message":"Fix invoice rounding\n\nReported by Mrs \"Q\"\t(tab)\n"},{"authorEmail":"alice@example.com","authorName":"Alice","committerEmail":"alice@example.com","committerName":"Alice","message":"Add test"}],"subjects":[{"digest":"abababababababababababababababababababababababababababababababab","kind":"email"}]}"#
    static let goldenSealedMember = #","sealed":{"box":"nTofQiima8sRR72IfFihqwTENmLX2iMF8CwcpAXEEEG3DiaS3042EzzzaeolWOKMM3MpOiyxdxtjZCkEy7MukOXJ5B1EwJaNlYuROqPsr9WgZsLQsaTrP4MUV/aToG/14+1IzkPL9/rzq2o1q+uCRQZ8Q82xWPZVW7u71vo0nyjnK5I+vyvjchV13OZ3OeK377yPUZyWk/TdpNODwK5XTuZqcMTYDil45VZFfgGA05EYVIn9ZkbMR6LPBEp83j0GaBQQvUil2o/aAS7tNAhJlzOckIBQEZ3VjKg0x2fkuwsBMldh3BW4UrDQJ3EhZC1dJ5+jSv06H/UlzMAPRwkK03tWquLN4ICDCc467BNPCaF9fGs515j5CJkLf7mH8OFV+iU2zkUsHqKIT2IOkMDrM7FjqjB5KKLOF4JXj9Th3GCw/D/ykxBGZPK/DiutJpXDH+PydOU6FY0FM7a5HViuKCJn0XLsalN6nqhk+QDXMfTvjWww51xgocZlL3G/hrGISKrDW5cj9GIaOcYJSczKqn2GfvmzWucaSI/EqQ4AEELlICIpLNaQ60EYQZ+tPuoLb5nioxzUuRTBfafekRNNyXbT65FBLNgx6Ad2w8+ZPZCckWzP","key":"s-git-1","nonce":"oKGio6Slpqeoqaqr"}"#
}
