import Crypto
import Foundation
import GatehouseCore
import Testing
@testable import GatehouseLedger

@Suite struct LedgerEntryRoundTripTests {
    typealias Events = LedgerEntryEventsForTests

    @Test(arguments: Events.names)
    func everyKindRoundTripsWithItsDataKey(name: String) throws {
        let event = Events.byName[name]!
        let bytes = try LedgerEntryCodec.encode(event, sealingWith: Events.key)
        #expect(try LedgerEntryCodec.decode(bytes, dataKey: Events.key) == .event(event))
    }

    @Test(arguments: Events.names)
    func decodedEntriesReEncodeToTheSameBytes(name: String) throws {
        let event = Events.byName[name]!
        let bytes = try LedgerEntryCodec.encode(event, sealingWith: Events.key)
        let envelope = try LedgerEntryCodec.decode(bytes)
        #expect(try envelope.canonicalBytes() == bytes)
        #expect(envelope.kind == event.kind)
        #expect(envelope.sessionID == event.sessionID)
        #expect(envelope.time == event.time)
    }

    @Test(arguments: Events.names)
    func entriesAreCanonicalJSON(name: String) throws {
        let event = Events.byName[name]!
        let bytes = try LedgerEntryCodec.encode(event, sealingWith: Events.key)
        #expect(try CanonicalJSONValue(canonicalBytes: bytes).canonicalBytes() == bytes)
    }

    @Test func entriesWithNothingPersonalHaveNoBoxAndDecodeWithoutAKey() throws {
        for event in [Events.authenticationWithoutAddress, Events.notExecutedOutcome, Events.sessionEnd] {
            let bytes = try LedgerEntryCodec.encode(event, sealingWith: Events.key)
            #expect(!String(decoding: bytes, as: UTF8.self).contains("\"sealed\""))
            #expect(try LedgerEntryCodec.decode(bytes, dataKey: nil) == .event(event))
        }
    }

    @Test func entriesWithPersonalDataHaveABox() throws {
        for event in [Events.acceptedAuthentication, Events.refusedAuthentication, Events.simpleStatement, Events.extendedStatement,
                      Events.emptyStatement, Events.completedOutcome, Events.failedOutcome] {
            let envelope = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(event, sealingWith: Events.key))
            #expect(envelope.sealed?.keyID == Events.session)
            #expect(envelope.sealed?.nonce.count == 12)
        }
    }

    @Test func theClearPayloadKeepsTheStructureOfAStatement() throws {
        let envelope = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(Events.extendedStatement, sealingWith: Events.key))
        guard case .statement(let statement) = envelope.payload else {
            Issue.record("not a statement: \(envelope.payload)")
            return
        }
        #expect(statement.statementID == 2)
        #expect(statement.protocolMode == "extended")
        #expect(statement.analysis.kind == .copy)
        #expect(statement.analysis.writes == [RelationName(schema: "audit", name: "exports")])
        #expect(statement.analysis.copy?.format == .csv)
        #expect(statement.analysis.analysable == false)
        #expect(envelope.principal == Events.alice)
        #expect(envelope.connection == "shop")
    }

    @Test func timeIsKeptToTheMillisecond() throws {
        var event = Events.sessionEnd
        event.time = Date(timeIntervalSince1970: 1_795_687_200.123_4)
        let bytes = try LedgerEntryCodec.encode(event, sealingWith: Events.key)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"time\":\"2026-11-26T10:00:00.123Z\""))
        #expect(try LedgerEntryCodec.decode(bytes).time == Events.time)
    }

    @Test func twoEncodingsOfOneEventDifferOnlyInTheirNonceAndBox() throws {
        let first = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key))
        let second = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key))
        #expect(first.sealed?.nonce != second.sealed?.nonce)
        var withoutBoxes = (first, second)
        withoutBoxes.0.sealed = nil
        withoutBoxes.1.sealed = nil
        #expect(withoutBoxes.0 == withoutBoxes.1)
    }

    @Test func theLeafHashIsOverTheEntryBytes() throws {
        let bytes = try LedgerEntryCodec.encode(Events.sessionEnd, sealingWith: Events.key)
        let expected = MerkleHash(bytes: Array(SHA256.hash(data: [0x00] + bytes)))
        #expect(MerkleHash.leafHash(bytes) == expected)
    }

    @Test func integersOutsideTheExactDoubleRangeAreRefused() throws {
        var outcome = EventPayload.Outcome(statementID: 1, status: .completed, commandTag: "SELECT", rows: 1 << 53, errorCode: nil,
                                           durationMicroseconds: 1)
        outcome.maskedValues = nil
        #expect(throws: LedgerEntryError.integerOutOfRange) {
            try LedgerEntryCodec.encode(Events.event(.outcome(outcome)), sealingWith: Events.key)
        }
    }

    @Test func timesOutsideFourDigitYearsAreRefused() throws {
        var event = Events.sessionEnd
        event.time = Date(timeIntervalSince1970: 253_402_300_800)  // 10000-01-01
        #expect(throws: LedgerEntryError.timeOutOfRange) { try LedgerEntryCodec.encode(event, sealingWith: Events.key) }
    }
}
