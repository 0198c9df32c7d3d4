import Foundation
import GatehouseCore
import Testing
@testable import GatehouseLedger

@Suite struct LedgerEntrySealingTests {
    typealias Events = LedgerEntryEventsForTests

    private func contains(_ bytes: [UInt8], _ needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    @Test func personalDataIsNotInTheClearBytes() throws {
        let statement = try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key)
        #expect(!contains(statement, "Zoë Quartermain"))
        #expect(!contains(statement, "SELECT"))
        #expect(!contains(statement, Events.emailSubject.digest))
        let extended = try LedgerEntryCodec.encode(Events.extendedStatement, sealingWith: Events.key)
        for secret in ["COPY customers", "00ff10", "quoted", "syntax error", "alice\\\"", Events.ibanSubject.digest, "\"42\""] {
            #expect(!contains(extended, secret), "\(secret) is in clear")
        }
        let authentication = try LedgerEntryCodec.encode(Events.acceptedAuthentication, sealingWith: Events.key)
        #expect(!contains(authentication, "203.0.113.7"))
        let refused = try LedgerEntryCodec.encode(Events.refusedAuthentication, sealingWith: Events.key)
        #expect(!contains(refused, "2001:db8"))
        let failed = try LedgerEntryCodec.encode(Events.failedOutcome, sealingWith: Events.key)
        #expect(!contains(failed, "duplicate key"))
        let completed = try LedgerEntryCodec.encode(Events.completedOutcome, sealingWith: Events.key)
        #expect(!contains(completed, Events.emailSubject.digest))
    }

    /// Nonces come from a pool refilled 341 at a time: never the same twice, across refills and
    /// from several threads at once, and each sealed entry gets its own.
    @Test func everySealGetsANonceOfItsOwn() async throws {
        let nonces = await withTaskGroup(of: [[UInt8]].self) { group in
            for _ in 0..<4 { group.addTask { (0..<1_000).map { _ in Array(SealingNonces.next()) } } }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(nonces.count == 4_000 && Set(nonces).count == 4_000 && nonces.allSatisfy { $0.count == 12 })
        let first = try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key)
        let second = try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key)
        #expect(first != second)
    }

    @Test func theStructureStaysInClear() throws {
        let statement = try LedgerEntryCodec.encode(Events.extendedStatement, sealingWith: Events.key)
        for clear in ["\"principal\":", "\"subject\":\"alice@example.com\"", "\"kind\":\"copy\"", "\"name\":\"exports\"",
                      "\"column\":\"Name\"", "\"protocolMode\":\"extended\"", "\"agentApplication\":\"claude-code\""] {
            #expect(contains(statement, clear), "\(clear) is not in clear")
        }
        let failed = try LedgerEntryCodec.encode(Events.failedOutcome, sealingWith: Events.key)
        #expect(contains(failed, "\"errorCode\":\"23505\""))
    }

    @Test func withoutTheKeyTheEnvelopeIsStillReadable() throws {
        let bytes = try LedgerEntryCodec.encode(Events.completedOutcome, sealingWith: Events.key)
        guard case .sealedUnavailable(let envelope) = try LedgerEntryCodec.decode(bytes, dataKey: nil) else {
            Issue.record("expected the sealed fields to be unavailable")
            return
        }
        #expect(envelope == (try LedgerEntryCodec.decode(bytes)))
        #expect(envelope.principal == Events.alice)
        #expect(envelope.sealed?.keyID == Events.session)
        guard case .outcome(let outcome) = envelope.payload else {
            Issue.record("not an outcome")
            return
        }
        #expect(outcome.commandTag == "SELECT 5")
        #expect(outcome.maskedValues == 5)
    }

    @Test func anotherKeyWithTheSameIDFailsAuthentication() throws {
        let bytes = try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key)
        let impostor = DataKey.generate(id: Events.session)
        #expect(throws: LedgerEntryError.sealedFieldsRejected) { try LedgerEntryCodec.decode(bytes, dataKey: impostor) }
    }

    @Test func aKeyOfAnotherIDIsRefusedByName() throws {
        let bytes = try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key)
        let other = DataKey.generate(id: "s-other")
        #expect(throws: LedgerEntryError.dataKeyMismatch(entryKeyID: Events.session, givenKeyID: "s-other")) {
            try LedgerEntryCodec.decode(bytes, dataKey: other)
        }
    }

    @Test func aTamperedBoxFailsAuthentication() throws {
        let envelope = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key))
        for index in [0, envelope.sealed!.box.count / 2, envelope.sealed!.box.count - 1] {
            var tampered = envelope
            tampered.sealed!.box[index] ^= 0x01
            let bytes = try tampered.canonicalBytes()
            #expect(throws: LedgerEntryError.sealedFieldsRejected) { try LedgerEntryCodec.decode(bytes, dataKey: Events.key) }
        }
        var truncated = envelope
        truncated.sealed!.box.removeFirst()
        #expect(throws: LedgerEntryError.sealedFieldsRejected) {
            try LedgerEntryCodec.decode(try truncated.canonicalBytes(), dataKey: Events.key)
        }
        var renonced = envelope
        renonced.sealed!.nonce[0] ^= 0x80
        #expect(throws: LedgerEntryError.sealedFieldsRejected) {
            try LedgerEntryCodec.decode(try renonced.canonicalBytes(), dataKey: Events.key)
        }
    }

    @Test func aBoxMovedToAnotherEntryFailsAuthentication() throws {
        // Same session, same key: only the associated data (the envelope) tells the entries apart.
        let first = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key))
        var second = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(Events.emptyStatement, sealingWith: Events.key))
        second.sealed = first.sealed
        #expect(throws: LedgerEntryError.sealedFieldsRejected) {
            try LedgerEntryCodec.decode(try second.canonicalBytes(), dataKey: Events.key)
        }
    }

    @Test func editingAClearFieldBreaksTheBox() throws {
        let envelope = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(Events.failedOutcome, sealingWith: Events.key))
        var edited = [envelope, envelope, envelope, envelope]
        edited[0].time = edited[0].time.addingTimeInterval(1)
        edited[1].principal = Events.bob
        edited[2].connection = nil
        guard case .outcome(var outcome) = envelope.payload else { return }
        outcome.errorCode = "42501"
        edited[3].payload = .outcome(outcome)
        for entry in edited {
            #expect(throws: LedgerEntryError.sealedFieldsRejected) {
                try LedgerEntryCodec.decode(try entry.canonicalBytes(), dataKey: Events.key)
            }
        }
    }

    @Test func eachEntryHasItsOwnNonce() throws {
        var nonces = Set<[UInt8]>()
        for _ in 0..<100 {
            let envelope = try LedgerEntryCodec.decode(try LedgerEntryCodec.encode(Events.simpleStatement, sealingWith: Events.key))
            nonces.insert(envelope.sealed!.nonce)
        }
        #expect(nonces.count == 100)
    }
}
