import Crypto
import Foundation
import GatehouseCore
import Testing
@testable import GatehouseLedger

/// One entry byte for byte, with a fixed data key and nonce: any change to the format (a field
/// name, an order, an escape, the associated data) breaks this test. The same entry is the example
/// in docs/evidence.md; it was also checked with an independent implementation (Python's json and
/// cryptography packages) following only that document.
@Suite struct LedgerEntryGoldenTests {
    /// Bytes 0x00...0x1f.
    static let key = try! DataKey(id: "s-7f3a9c21", bytes: (0..<32).map { UInt8($0) })
    /// Bytes 0xa0...0xab.
    static let nonce = try! AES.GCM.Nonce(data: (0..<12).map { 0xA0 + UInt8($0) })

    static let event = GatehouseEvent(
        time: Date(timeIntervalSince1970: 1_795_687_200.123), sessionID: "s-7f3a9c21", connection: "shop",
        principal: Principal(subject: "alice@example.com", issuer: "https://idp.example.com", username: "alice",
                             agentApplication: "claude-code", groups: ["engineers"]),
        payload: .statement(.init(
            statementID: 1, protocolMode: "extended", text: "SELECT email FROM customers WHERE id = $1", parameters: ["42"],
            analysis: StatementAnalysis(
                text: "SELECT email FROM customers WHERE id = $1", kind: .select, reads: [RelationName(name: "customers")],
                columns: [ColumnReference(relation: RelationName(name: "customers"), column: "email"),
                          ColumnReference(relation: RelationName(name: "customers"), column: "id")],
                outputs: [OutputColumn(name: "email", sources: [ColumnReference(relation: RelationName(name: "customers"), column: "email")])]),
            subjects: nil)))

    static let envelope = #"{"connection":"shop","kind":"statement","payload":{"analysis":{"analysable":true,"columns":[{"column":"email","relation":{"name":"customers"}},{"column":"id","relation":{"name":"customers"}}],"kind":"select","outputs":[{"name":"email","sources":[{"column":"email","relation":{"name":"customers"}}]}],"reads":[{"name":"customers"}],"writes":[]},"protocolMode":"extended","statementID":1},"principal":{"agentApplication":"claude-code","groups":["engineers"],"issuer":"https://idp.example.com","subject":"alice@example.com","username":"alice"},"session":"s-7f3a9c21","time":"2026-11-26T10:00:00.123Z","v":1}"#
    static let plaintext = #"{"parameters":["42"],"text":"SELECT email FROM customers WHERE id = $1"}"#
    static let sealedMember = #","sealed":{"box":"nToMTDeqb9oWAPWgJUCb/ESee02+lTYJ5HoEvF34ME2XNRPfyk8yVDO8QppGN6OaMmgyJw+1aA1hCUMb9jWl2dCcuE8UlMaddfz1OuR0OObH5ks4+7uidA==","key":"s-7f3a9c21","nonce":"oKGio6Slpqeoqaqr"}"#
    static let leafHash = "3e7915e54c3d614ff1e3483335018db4027a7589aaf11f6bc28a5d6f976c5fc1"

    static var entry: String {
        let split = envelope.range(of: #","session":"#)!.lowerBound
        return String(envelope[..<split]) + sealedMember + String(envelope[split...])
    }

    @Test func theEntryIsByteForByteTheGoldenOne() throws {
        let bytes = try LedgerEntryCodec.encode(Self.event, sealingWith: Self.key, nonce: Self.nonce)
        #expect(String(decoding: bytes, as: UTF8.self) == Self.entry)
        #expect(MerkleHash.leafHash(bytes).hex == Self.leafHash)
    }

    @Test func theClearPartsAreTheGoldenOnes() throws {
        let envelope = try LedgerEntryCodec.decode(Array(Self.entry.utf8))
        #expect(String(decoding: try envelope.associatedData(), as: UTF8.self) == Self.envelope)
        let plaintext = try envelope.sealed!.open(with: Self.key, envelope: Array(Self.envelope.utf8))
        #expect(String(decoding: plaintext, as: UTF8.self) == Self.plaintext)
        #expect(try LedgerEntryCodec.decode(Array(Self.entry.utf8), dataKey: Self.key) == .event(Self.event))
    }
}
