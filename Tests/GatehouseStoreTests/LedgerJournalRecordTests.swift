import Foundation
import GatehouseCore
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// The journal's record format: what goes in comes back, and a crash's torn tail is told apart
/// from damage that a crash cannot leave.
@Suite struct LedgerJournalRecordTests {
    static let key = LedgerNewDataKey(keyID: "s-1", wrapped: [9, 8, 7], connection: "shop",
                                      createdAt: Date(timeIntervalSince1970: 1_795_000_000.123))

    static func batch(_ first: UInt64, _ count: Int) -> LedgerJournalBatch {
        LedgerJournalBatch(firstIndex: first, entries: (0..<count).map { offset in
            LedgerPendingEntry(bytes: LedgerFixture.entry(Int(first) + offset),
                               subjects: offset == 0 ? [SubjectReference(kind: "email", digest: "ab\(offset)")] : [],
                               sessionID: offset % 2 == 0 ? "s-1" : nil, time: offset == 1 ? nil : "2026-12-07T07:00:00.000Z",
                               newDataKey: offset == 0 ? key : nil, derivesClassification: offset == 2)
        })
    }

    static func same(_ a: LedgerJournalBatch, _ b: LedgerJournalBatch) -> Bool {
        a.firstIndex == b.firstIndex && a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { x, y in
            x.bytes == y.bytes && x.leafHash == y.leafHash && x.subjects == y.subjects && x.sessionID == y.sessionID
                && x.time == y.time && x.newDataKey == y.newDataKey && x.derivesClassification == y.derivesClassification
        }
    }

    @Test func batchesRoundTripWithEverythingTheIndexNeeds() {
        let batches = [Self.batch(0, 3), Self.batch(3, 1), Self.batch(4, 0)]
        let bytes = batches.flatMap(LedgerJournalRecord.encode)
        let scan = LedgerJournalRecord.decode(bytes)
        #expect(scan.damage == nil && scan.validLength == bytes.count)
        #expect(scan.batches.count == 3 && zip(scan.batches, batches).allSatisfy(Self.same))
    }

    /// Wherever a crash cuts the last record, the records before it are whole and the cut is a torn tail.
    @Test func aRecordCutAnywhereIsATornTail() {
        let whole = LedgerJournalRecord.encode(Self.batch(0, 2))
        let last = LedgerJournalRecord.encode(Self.batch(2, 3))
        for cut in 1..<last.count {
            let scan = LedgerJournalRecord.decode(whole + last.prefix(cut))
            #expect(scan.damage == .tornTail, "cut at \(cut)")
            #expect(scan.validLength == whole.count && scan.batches.count == 1, "cut at \(cut)")
        }
        // A file extended with zeros where its last write was (what some filesystems leave).
        let zeros = LedgerJournalRecord.decode(whole + [UInt8](repeating: 0, count: 100))
        #expect(zeros.damage == .tornTail && zeros.batches.count == 1)
    }

    /// A changed byte in a record with another record after it is not what a crash leaves.
    @Test func aChangedRecordBeforeTheEndIsDamage() {
        var bytes = LedgerJournalRecord.encode(Self.batch(0, 2))
        let firstLength = bytes.count
        bytes += LedgerJournalRecord.encode(Self.batch(2, 1))
        for position in [2, 20, firstLength - 1] {
            var changed = bytes
            changed[position] ^= 0x01
            let scan = LedgerJournalRecord.decode(changed)
            guard case .corrupt(let offset, _)? = scan.damage else {
                Issue.record("byte \(position): \(String(describing: scan.damage))")
                continue
            }
            #expect(offset == 0 && scan.batches.isEmpty)
        }
        // The last record changed (not cut): indistinguishable from a torn write, so it is
        // dropped as one; acknowledged records are never last-and-torn, since fdatasync returned.
        var lastChanged = bytes
        lastChanged[bytes.count - 1] ^= 0x01
        #expect(LedgerJournalRecord.decode(lastChanged).damage == .tornTail)
    }
}
