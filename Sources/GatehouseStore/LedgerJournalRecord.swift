import Crypto
import Foundation
import GatehouseCore
import GatehouseLedger

/// The bytes of one group commit in the ledger's journal (`LedgerJournal`): the batch's first
/// index and every entry with what the SQLite index needs (subjects, session, time, a new
/// data key), so the index can always be rebuilt from the journal. Pure: no I/O.
///
///     record  = "GHJ1" | payload length (u32) | checksum (8 bytes) | payload
///     payload = first index (u64) | entry count (u32) | entry...
///     entry   = bytes | session (opt string) | time (opt string) | flags (u8: 1 derives
///               classification, 2 has data key) | subject count (u32) | (kind, digest)...
///               | [key ID (string) | wrapped (bytes) | connection (opt string) | created at (f64 bits)]
///
/// Integers are big-endian; `bytes` and `string` are a u32 length then the bytes (UTF-8);
/// `opt` is a u8 0 (absent) or 1 then the value. The checksum is the first 8 bytes of the SHA-256
/// of the payload with each entry's `bytes` (length and content) replaced by its 32-byte leaf
/// hash (`SHA-256(0x00 || bytes)`). It tells a record cut short by a
/// crash (never acknowledged: its fdatasync had not returned) from a complete one; a segment's
/// end not yet written is zeros.
struct LedgerJournalBatch: Sendable {
    var firstIndex: UInt64
    var entries: [LedgerPendingEntry]

    var endIndex: UInt64 { firstIndex + UInt64(entries.count) }
}

enum LedgerJournalRecord {
    static let magic: [UInt8] = Array("GHJ1".utf8)
    static let headerLength = 16

    static func encode(_ batch: LedgerJournalBatch) -> [UInt8] {
        // One buffer of the final size: entry bytes are copied once.
        var record = JournalWriter(capacity: headerLength + batch.entries.reduce(12) { $0 + $1.bytes.count + 64 })
        record.output += magic + [UInt8](repeating: 0, count: headerLength - magic.count)
        writePayload(batch, into: &record, bytesAsLeafHashes: false)
        let length = UInt32(record.output.count - headerLength)
        withUnsafeBytes(of: length.bigEndian) { record.output.replaceSubrange(4..<8, with: $0) }
        record.output.replaceSubrange(8..<headerLength, with: checksum(batch))
        return record.output
    }

    /// The checksum covers the payload with each entry's bytes replaced by its leaf hash, which
    /// is computed anyway: a large entry is not hashed twice, and a changed byte still changes it.
    private static func checksum(_ batch: LedgerJournalBatch) -> [UInt8] {
        var summary = JournalWriter(capacity: 12 + 128 * batch.entries.count)
        writePayload(batch, into: &summary, bytesAsLeafHashes: true)
        return Array(SHA256.hash(data: summary.output).prefix(8))
    }

    private static func writePayload(_ batch: LedgerJournalBatch, into payload: inout JournalWriter, bytesAsLeafHashes: Bool) {
        payload.integer(batch.firstIndex)
        payload.integer(UInt32(batch.entries.count))
        for entry in batch.entries {
            if bytesAsLeafHashes { payload.output += entry.leafHash.bytes } else { payload.bytes(entry.bytes) }
            payload.optionalString(entry.sessionID)
            payload.optionalString(entry.time)
            payload.integer(UInt8((entry.derivesClassification ? 1 : 0) | (entry.newDataKey != nil ? 2 : 0)))
            payload.integer(UInt32(entry.subjects.count))
            for subject in entry.subjects {
                payload.string(subject.kind)
                payload.string(subject.digest)
            }
            if let key = entry.newDataKey {
                payload.string(key.keyID)
                payload.bytes(key.wrapped)
                payload.optionalString(key.connection)
                payload.integer(key.createdAt.timeIntervalSince1970.bitPattern)
            }
        }
    }

    /// Everything `decode` found in one segment file.
    struct Scan {
        var batches: [LedgerJournalBatch] = []
        /// Bytes up to the end of the last whole record.
        var validLength = 0
        /// What follows `validLength`, if anything.
        var damage: Damage?
    }

    enum Damage: Equatable {
        /// A record cut short at the end of the file (a crash during its write): it was never
        /// acknowledged, so dropping it loses nothing.
        case tornTail
        /// Bytes that are not a record, followed by more bytes: not what a crash leaves.
        case corrupt(offset: Int, reason: String)
    }

    static func decode(_ bytes: [UInt8]) -> Scan {
        var scan = Scan()
        var offset = 0
        while offset < bytes.count {
            let remaining = bytes.count - offset
            guard remaining >= headerLength else {
                let startsLikeARecord = bytes[offset..<(offset + min(4, remaining))].elementsEqual(magic.prefix(remaining))
                scan.damage = allZero(bytes[offset...]) || startsLikeARecord
                    ? .tornTail : .corrupt(offset: offset, reason: "a partial header that is not one")
                return scan
            }
            guard bytes[offset..<(offset + 4)].elementsEqual(magic) else {
                // A crash can leave a file extended with zeros where its last write was.
                scan.damage = allZero(bytes[offset...]) ? .tornTail : .corrupt(offset: offset, reason: "no record starts here")
                return scan
            }
            var header = JournalReader(bytes[(offset + 4)..<(offset + headerLength)])
            let length = Int(header.u32() ?? 0)
            let payloadStart = offset + headerLength
            guard length <= bytes.count - payloadStart else {
                scan.damage = .tornTail
                return scan
            }
            let end = payloadStart + length
            guard let batch = batch(from: bytes[payloadStart..<end]),
                  checksum(batch).elementsEqual(bytes[(offset + 8)..<(offset + headerLength)]) else {
                // Cut short where the rest of the file was never written (zeros) or at its end.
                scan.damage = allZero(bytes[end...]) ? .tornTail : .corrupt(offset: offset, reason: "checksum mismatch")
                return scan
            }
            scan.batches.append(batch)
            offset = end
            scan.validLength = end
        }
        return scan
    }

    private static func batch(from payload: ArraySlice<UInt8>) -> LedgerJournalBatch? {
        var reader = JournalReader(payload)
        guard let first = reader.u64(), let count = reader.u32() else { return nil }
        var entries: [LedgerPendingEntry] = []
        entries.reserveCapacity(Int(min(count, 1 << 16)))
        for _ in 0..<count {
            guard let bytes = reader.bytes(), let session = reader.optionalString(), let time = reader.optionalString(),
                  let flags = reader.u8(), let subjectCount = reader.u32() else { return nil }
            var subjects: [SubjectReference] = []
            for _ in 0..<subjectCount {
                guard let kind = reader.string(), let digest = reader.string() else { return nil }
                subjects.append(SubjectReference(kind: kind, digest: digest))
            }
            var key: LedgerNewDataKey?
            if flags & 2 != 0 {
                guard let keyID = reader.string(), let wrapped = reader.bytes(), let connection = reader.optionalString(),
                      let created = reader.u64() else { return nil }
                key = LedgerNewDataKey(keyID: keyID, wrapped: wrapped, connection: connection ?? nil,
                                       createdAt: Date(timeIntervalSince1970: Double(bitPattern: created)))
            }
            entries.append(LedgerPendingEntry(bytes: bytes, subjects: subjects, sessionID: session ?? nil, time: time ?? nil,
                                              newDataKey: key, derivesClassification: flags & 1 != 0))
        }
        guard reader.isAtEnd else { return nil }
        return LedgerJournalBatch(firstIndex: first, entries: entries)
    }

    private static func allZero(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.allSatisfy { $0 == 0 } }
}

private struct JournalWriter {
    var output: [UInt8] = []

    init(capacity: Int) { output.reserveCapacity(capacity) }

    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { output += $0 }
    }

    mutating func bytes(_ value: [UInt8]) {
        integer(UInt32(value.count))
        output += value
    }

    mutating func string(_ value: String) { bytes(Array(value.utf8)) }

    mutating func optionalString(_ value: String?) {
        guard let value else { return integer(UInt8(0)) }
        integer(UInt8(1))
        string(value)
    }
}

private struct JournalReader {
    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

    var isAtEnd: Bool { rest.isEmpty }

    private mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, rest.count >= count else { return nil }
        defer { rest = rest.dropFirst(count) }
        return rest.prefix(count)
    }

    private mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        take(MemoryLayout<T>.size).map { $0.reduce(T(0)) { $0 << 8 | T($1) } }
    }

    mutating func u8() -> UInt8? { integer(UInt8.self) }
    mutating func u32() -> UInt32? { integer(UInt32.self) }
    mutating func u64() -> UInt64? { integer(UInt64.self) }

    mutating func bytes() -> [UInt8]? {
        guard let length = u32() else { return nil }
        return take(Int(length)).map(Array.init)
    }

    mutating func string() -> String? {
        bytes().flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// nil: malformed; .some(nil): absent.
    mutating func optionalString() -> String?? {
        switch u8() {
        case 0: return .some(nil)
        case 1: return string().map { .some($0) }
        default: return nil
        }
    }
}
