import Foundation
import GatehouseCore
import Testing
@testable import GatehouseLedger

/// Entry bytes that are canonical JSON but not a v1 entry, or not the one form the encoder writes.
@Suite struct LedgerEntryStrictnessTests {
    typealias Events = LedgerEntryEventsForTests

    /// The canonical bytes of the session-end entry with `edit` applied to its JSON value.
    private func sessionEnd(_ edit: (inout [String: CanonicalJSONValue]) -> Void) throws -> [UInt8] {
        try edited(Events.sessionEnd, edit)
    }

    private func edited(_ event: GatehouseEvent, _ edit: (inout [String: CanonicalJSONValue]) -> Void) throws -> [UInt8] {
        guard case .object(var members) = try CanonicalJSONValue(canonicalBytes: try LedgerEntryCodec.encode(event, sealingWith: Events.key))
        else { throw LedgerEntryError.wrongType("(entry)") }
        edit(&members)
        return try CanonicalJSONValue.object(members).canonicalBytes()
    }

    private func payload(_ members: inout [String: CanonicalJSONValue], _ edit: (inout [String: CanonicalJSONValue]) -> Void) {
        guard case .object(var payload) = members["payload"] else { return }
        edit(&payload)
        members["payload"] = .object(payload)
    }

    @Test func aDerivedClassificationIsAllClearAndItsColumnsHaveOneOrder() throws {
        let bytes = try LedgerEntryCodec.encode(Events.derivedClassification, sealingWith: Events.key)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("\"sealed\""))
        // Sorted by the names' UTF-8 bytes: capitals first.
        #expect(text.contains(#""columns":[{"category":"name","name":"Zoë"},{"category":"name","name":"a b"},{"category":"contact","name":"contact"}]"#))
        let reversed = try edited(Events.derivedClassification) { members in
            payload(&members) { payload in
                guard case .array(var tables) = payload["tables"], case .object(var first) = tables[0],
                      case .array(let columns) = first["columns"] else { return }
                first["columns"] = .array(columns.reversed())
                tables[0] = .object(first)
                payload["tables"] = .array(tables)
            }
        }
        #expect(throws: LedgerEntryError.invalidValue("(entry)")) { try LedgerEntryCodec.decode(reversed) }
    }

    @Test func theUneditedEntryDecodes() throws {
        #expect(try LedgerEntryCodec.decode(try sessionEnd { _ in }, dataKey: nil) == .event(Events.sessionEnd))
    }

    @Test func anUnknownFieldIsRefused() throws {
        #expect(throws: LedgerEntryError.unexpectedField("extra")) {
            try LedgerEntryCodec.decode(try sessionEnd { $0["extra"] = .bool(true) })
        }
        #expect(throws: LedgerEntryError.unexpectedField("payload.kind")) {
            try LedgerEntryCodec.decode(try sessionEnd { payload(&$0) { $0["kind"] = .string("session_end") } })
        }
        #expect(throws: LedgerEntryError.unexpectedField("principal.email")) {
            try LedgerEntryCodec.decode(try sessionEnd {
                guard case .object(var principal) = $0["principal"] else { return }
                principal["email"] = .string("alice@example.com")
                $0["principal"] = .object(principal)
            })
        }
    }

    @Test func aMissingFieldIsRefused() throws {
        for field in ["v", "time", "session", "kind", "payload"] {
            #expect(throws: LedgerEntryError.missingField(field)) {
                try LedgerEntryCodec.decode(try sessionEnd { $0[field] = nil })
            }
        }
        #expect(throws: LedgerEntryError.missingField("payload.statements")) {
            try LedgerEntryCodec.decode(try sessionEnd { payload(&$0) { $0["statements"] = nil } })
        }
    }

    @Test func anAbsentOptionalWrittenAsNullIsRefused() throws {
        #expect(throws: LedgerEntryError.unexpectedField("connection")) {
            try LedgerEntryCodec.decode(try edited(Events.refusedAuthentication) { $0["connection"] = .null })
        }
    }

    @Test func aFieldOfTheWrongTypeIsRefused() throws {
        #expect(throws: LedgerEntryError.wrongType("payload.statements")) {
            try LedgerEntryCodec.decode(try sessionEnd { payload(&$0) { $0["statements"] = .string("3") } })
        }
        #expect(throws: LedgerEntryError.wrongType("session")) {
            try LedgerEntryCodec.decode(try sessionEnd { $0["session"] = .integer(7) })
        }
    }

    @Test func otherVersionsAreRefused() throws {
        #expect(throws: LedgerEntryError.unsupportedVersion(2)) {
            try LedgerEntryCodec.decode(try sessionEnd { $0["v"] = .integer(2) })
        }
    }

    @Test(arguments: ["2026-11-26T10:00:00Z", "2026-11-26T10:00:00.123+00:00", "2026-02-30T10:00:00.123Z",
                      "2026-11-26T24:00:00.000Z", "2026-11-26 10:00:00.123Z", "2026-11-26T10:00:60.000Z", "+2026-11-26T10:00:00.12Z"])
    func nonCanonicalTimesAreRefused(time: String) throws {
        #expect(throws: LedgerEntryError.invalidValue("time")) {
            try LedgerEntryCodec.decode(try sessionEnd { $0["time"] = .string(time) })
        }
    }

    @Test func unknownKindsAndValuesAreRefused() throws {
        #expect(throws: LedgerEntryError.invalidValue("kind")) {
            try LedgerEntryCodec.decode(try sessionEnd { $0["kind"] = .string("approval_request") })
        }
        #expect(throws: LedgerEntryError.invalidValue("payload.step")) {
            try LedgerEntryCodec.decode(try edited(Events.approvalNotified) { payload(&$0) { $0["step"] = .string("grantUsed") } })
        }
        #expect(throws: LedgerEntryError.invalidValue("payload.grant.kind")) {
            try LedgerEntryCodec.decode(try edited(Events.approvalApproved) { payload(&$0) {
                guard case .object(var grant) = $0["grant"] else { return }
                grant["kind"] = .string("forever")
                $0["grant"] = .object(grant)
            } })
        }
        #expect(throws: LedgerEntryError.invalidValue("payload.status")) {
            try LedgerEntryCodec.decode(try edited(Events.notExecutedOutcome) { payload(&$0) { $0["status"] = .string("notExecuted") } })
        }
        #expect(throws: LedgerEntryError.invalidValue("payload.analysis.kind")) {
            try LedgerEntryCodec.decode(try edited(Events.simpleStatement) {
                payload(&$0) {
                    guard case .object(var analysis) = $0["analysis"] else { return }
                    analysis["kind"] = .string("doBlock")
                    $0["analysis"] = .object(analysis)
                }
            })
        }
    }

    @Test func boxesMustBeWhereTheKindHasThem() throws {
        let box = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key)).sealed!
        var boxWriter = CanonicalJSONWriter()
        box.write(into: &boxWriter)
        let boxValue = try CanonicalJSONValue(canonicalBytes: boxWriter.bytes)
        #expect(throws: LedgerEntryError.unexpectedField("sealed")) {
            try LedgerEntryCodec.decode(try sessionEnd { $0["sealed"] = boxValue })
        }
        for clearOnly in [Events.erasure, Events.configuration] {
            #expect(throws: LedgerEntryError.unexpectedField("sealed")) {
                try LedgerEntryCodec.decode(try edited(clearOnly) { $0["sealed"] = boxValue })
            }
        }
        #expect(throws: LedgerEntryError.missingField("sealed")) {
            try LedgerEntryCodec.decode(try edited(Events.simpleStatement) { $0["sealed"] = nil })
        }
    }

    @Test func nonceAndBoxMustBeCanonicalBase64OfTheRightLength() throws {
        func withBox(_ key: String, _ value: String) throws -> [UInt8] {
            try edited(Events.simpleStatement) {
                guard case .object(var sealed) = $0["sealed"] else { return }
                sealed[key] = .string(value)
                $0["sealed"] = .object(sealed)
            }
        }
        #expect(throws: LedgerEntryError.invalidValue("sealed.nonce")) { try LedgerEntryCodec.decode(try withBox("nonce", "AAAAAAAAAAA=")) }
        #expect(throws: LedgerEntryError.invalidValue("sealed.nonce")) { try LedgerEntryCodec.decode(try withBox("nonce", "AAAAAAAAAAAAAAAAAAAAAAAA")) }
        #expect(throws: LedgerEntryError.invalidValue("sealed.nonce")) { try LedgerEntryCodec.decode(try withBox("nonce", "AAAAAAAAAAAAAAA_")) }
        #expect(throws: LedgerEntryError.invalidValue("sealed.box")) { try LedgerEntryCodec.decode(try withBox("box", "AAAAAAAAAAAAAAAAAAAAAA==")) }
        #expect(throws: LedgerEntryError.invalidValue("sealed.box")) { try LedgerEntryCodec.decode(try withBox("box", "AAAA AAAA")) }
        #expect(throws: LedgerEntryError.invalidValue("sealed.box")) {
            try LedgerEntryCodec.decode(try withBox("box", "AAAAAAAAAAAAAAAAAAAAAAAAAB=="))  // non-zero unused bits
        }
    }

    @Test func nonCanonicalJSONIsRefusedBeforeAnythingElse() throws {
        var bytes = try LedgerEntryCodec.encode(Events.sessionEnd, sealingWith: Events.key)
        bytes.append(UInt8(ascii: "\n"))
        #expect(throws: LedgerEntryError.notCanonicalJSON(.trailingBytes(offset: bytes.count - 1))) { try LedgerEntryCodec.decode(bytes) }
        #expect(throws: LedgerEntryError.wrongType("(entry)")) { try LedgerEntryCodec.decode(Array("[]".utf8)) }
    }

    @Test func sealedFieldsAreCheckedAgainstTheKind() throws {
        #expect(throws: LedgerEntryError.unexpectedField("sealed.text")) {
            try SealedFields(canonicalBytes: Array(#"{"text":"x"}"#.utf8), kind: "outcome")
        }
        #expect(throws: LedgerEntryError.missingField("sealed.parameters")) {
            try SealedFields(canonicalBytes: Array(#"{"text":"x"}"#.utf8), kind: "statement")
        }
        #expect(throws: LedgerEntryError.invalidValue("sealed.analysisText")) {
            try SealedFields(canonicalBytes: Array(#"{"analysisText":"x","parameters":[],"text":"x"}"#.utf8), kind: "statement")
        }
        #expect(throws: LedgerEntryError.invalidValue("sealed")) { try SealedFields(canonicalBytes: Array("{}".utf8), kind: "outcome") }
        #expect(throws: LedgerEntryError.wrongType("sealed.parameters[1]")) {
            try SealedFields(canonicalBytes: Array(#"{"parameters":["1",2],"text":"x"}"#.utf8), kind: "statement")
        }
        #expect(try SealedFields(canonicalBytes: Array(#"{"parameters":["1",null],"text":"x"}"#.utf8), kind: "statement").parameters
            == ["1", nil])
    }

    // MARK: - Value rules (docs/evidence.md) beyond types and key order

    @Test func aStatementsProtocolModeIsSimpleOrExtended() throws {
        #expect(throws: LedgerEntryError.invalidValue("payload.protocolMode")) {
            try LedgerEntryCodec.decode(try edited(Events.simpleStatement) { payload(&$0) { $0["protocolMode"] = .string("pipelined") } },
                                        dataKey: Events.key)
        }
    }

    @Test func anErasureHasAKnownScopeSortedSessionsAndNoActor() throws {
        #expect(throws: LedgerEntryError.invalidValue("payload.scope")) {
            try LedgerEntryCodec.decode(try edited(Events.erasure) { payload(&$0) { $0["scope"] = .string("everything") } })
        }
        #expect(throws: LedgerEntryError.invalidValue("payload.sessions")) {
            try LedgerEntryCodec.decode(try edited(Events.erasure) { payload(&$0) { $0["sessions"] = .array([.string("s-2"), .string("s-1")]) } })
        }
        #expect(throws: LedgerEntryError.invalidValue("payload.sessions")) {
            try LedgerEntryCodec.decode(try edited(Events.erasure) { payload(&$0) { $0["sessions"] = .array([.string("s-1"), .string("s-1")]) } })
        }
        #expect(throws: LedgerEntryError.unexpectedField("connection")) {
            try LedgerEntryCodec.decode(try edited(Events.erasure) { $0["connection"] = .string("shop") })
        }
    }

    @Test func aConfigurationHasALowerCaseDigestAndSortedConnections() throws {
        guard case .configuration(let configuration) = Events.configuration.payload else { return }
        #expect(throws: LedgerEntryError.invalidValue("payload.sha256")) {
            try LedgerEntryCodec.decode(try edited(Events.configuration) { payload(&$0) { $0["sha256"] = .string(configuration.sha256.uppercased()) } })
        }
        #expect(throws: LedgerEntryError.invalidValue("payload.connections")) {
            try LedgerEntryCodec.decode(try edited(Events.configuration) { payload(&$0) { $0["connections"] = .array([.string("z"), .string("a")]) } })
        }
    }

    @Test func everyApprovalStepNamesWhoActedAndNotifiesKnownTargets() throws {
        #expect(throws: LedgerEntryError.missingField("principal")) {
            try LedgerEntryCodec.decode(try edited(Events.approvalNotified) { $0["principal"] = nil })
        }
        #expect(throws: LedgerEntryError.invalidValue("payload.notified")) {
            try LedgerEntryCodec.decode(try edited(Events.approvalNotified) { payload(&$0) { $0["notified"] = .array([.string("email")]) } })
        }
    }

    @Test func objectIDsAndDigestsAreLowerCaseHex() throws {
        let fetch = LedgerEntryEventsForTests.event(.git(LedgerEntryGitTests.fetch))
        #expect(throws: LedgerEntryError.invalidValue("payload.wants[0]")) {
            try LedgerEntryCodec.decode(try edited(fetch) { payload(&$0) { $0["wants"] = .array([.string(String(repeating: "A", count: 40))]) } })
        }
        let blob = LedgerEntryEventsForTests.event(.blob(BlobActivity(phase: "response", operation: "get-blob", status: 200,
                                                                      sha256: String(repeating: "ab", count: 32))))
        #expect(try LedgerEntryCodec.decode(try edited(blob) { _ in }, dataKey: Events.key) == .event(blob))
        #expect(throws: LedgerEntryError.invalidValue("payload.sha256")) {
            try LedgerEntryCodec.decode(try edited(blob) { payload(&$0) { $0["sha256"] = .string(String(repeating: "AB", count: 32)) } })
        }
    }

    @Test func anMCPEntrysPhaseOutcomeToolAndRowsAreThoseTheFormatDefines() throws {
        let answered = Events.event(.mcp(LedgerEntryMCPTests.answered))
        #expect(try LedgerEntryCodec.decode(try edited(answered) { _ in }, dataKey: Events.key) == .event(answered))
        let refusals: [(String, CanonicalJSONValue)] = [("phase", .string("stream")), ("outcome", .string("fine")),
                                                        ("decision", .string("perhaps")), ("tool", .string("")), ("rows", .integer(-1))]
        for (key, value) in refusals {
            #expect(throws: LedgerEntryError.invalidValue("payload.\(key)")) {
                try LedgerEntryCodec.decode(try edited(answered) { payload(&$0) { $0[key] = value } })
            }
        }
        #expect(throws: LedgerEntryError.unexpectedField("sealed.data")) {
            try SealedFields(canonicalBytes: Array(#"{"data":"x","text":"{}"}"#.utf8), kind: "mcp")
        }
        let sealed = try SealedFields(canonicalBytes: Array(#"{"errorMessage":"e","text":"{}"}"#.utf8), kind: "mcp")
        #expect(sealed.text == "{}" && sealed.errorMessage == "e")
    }
}
