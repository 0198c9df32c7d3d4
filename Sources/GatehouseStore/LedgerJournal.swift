import Foundation
import GatehouseLedger

/// The ledger's journal: where an append becomes durable. Each group commit is one record
/// (`LedgerJournalRecord`) appended to the current segment file and made durable with one
/// `fdatasync`; SQLite, the index every reader uses, is brought up to date from the same batches
/// off the hot path (`LedgerIndexApplier`). A segment is removed once SQLite holds all of it.
///
/// Layout, in `<ledger>.journal/`: `lock` (16 bytes: the log's size, then an epoch, both u64
/// big-endian), and segments named by the index of their first entry (`%020d.seg`), allocated
/// whole when created (the end not yet written reads as zeros). Every
/// process appending to one ledger (the gateway, `gatehouse audit erase`) takes an exclusive
/// `flock` on `lock` around its work; one that finds the size or epoch not as it left them knows
/// another process appended or absorbed the journal, and catches up from disk.
///
/// Not thread-safe: the store serialises its callers.
final class LedgerJournal {
    struct SharedState: Equatable {
        var logSize: UInt64
        var epoch: UInt64
    }

    let directory: String
    /// Segments are closed and a new one started past this size.
    let segmentLimit: Int
    private let lockPath: String
    private let lockDescriptor: Int32
    private var current: (descriptor: Int32, path: String, size: Int)?
    /// This process's closed segments, with the index their last entry ends at.
    private var closed: [(path: String, endIndex: UInt64)] = []
    /// Tests: runs after a record is written and before it is synced; throwing fails the append.
    var faultAfterWrite: ((LedgerJournalBatch) throws -> Void)?

    init(directory: String, segmentLimit: Int = 8 << 20) throws {
        self.directory = directory
        self.segmentLimit = segmentLimit
        lockPath = directory + "/lock"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        lockDescriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockDescriptor >= 0 else { throw DurableFileIO.Failure("open", lockPath) }
    }

    func close() {
        closeCurrent()
        _ = Foundation.close(lockDescriptor)
    }

    /// Runs `body` holding the journal's exclusive lock (across processes).
    func withExclusiveLock<T>(_ body: () throws -> T) throws -> T {
        while flock(lockDescriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw DurableFileIO.Failure("lock", lockPath) }
        }
        defer { _ = flock(lockDescriptor, LOCK_UN) }
        return try body()
    }

    func readState() throws -> SharedState {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = bytes.withUnsafeMutableBytes { pread(lockDescriptor, $0.baseAddress, 16, 0) }
        guard count >= 0 else { throw DurableFileIO.Failure("read", lockPath) }
        guard count == 16 else { return SharedState(logSize: 0, epoch: 0) }
        func number(_ slice: ArraySlice<UInt8>) -> UInt64 { slice.reduce(0) { $0 << 8 | UInt64($1) } }
        return SharedState(logSize: number(bytes[0..<8]), epoch: number(bytes[8..<16]))
    }

    /// Not synced: the state only coordinates live processes; opening re-derives it from disk.
    func writeState(_ state: SharedState) throws {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: state.logSize.bigEndian) { bytes += $0 }
        withUnsafeBytes(of: state.epoch.bigEndian) { bytes += $0 }
        let count = bytes.withUnsafeBytes { pwrite(lockDescriptor, $0.baseAddress, 16, 0) }
        guard count == 16 else { throw DurableFileIO.Failure("write", lockPath) }
    }

    /// Appends one record durably (write, then fdatasync). On failure the record's bytes are
    /// zeroed again, so the batch is not in the journal; if even that fails, throws
    /// `LedgerStoreError.needsReopen`.
    func append(_ record: [UInt8], for batch: LedgerJournalBatch) throws {
        if current == nil { try startSegment(firstIndex: batch.firstIndex) }
        guard let (descriptor, path, size) = current else { return }
        do {
            try DurableFileIO.writeAll(record, to: descriptor, at: size, path: path)
            try faultAfterWrite?(batch)
            guard fdatasync(descriptor) == 0 else { throw DurableFileIO.Failure("fdatasync", path) }
        } catch {
            // Zeroed, the segment stays in use: the next record goes where this one was.
            let restored = (try? DurableFileIO.writeAll([UInt8](repeating: 0, count: record.count), to: descriptor, at: size,
                                                        path: path)) != nil && fdatasync(descriptor) == 0
            guard restored else {
                closeCurrent()
                throw LedgerStoreError.needsReopen("the journal segment \(path) may hold a batch that was reported failed (\(error))")
            }
            throw error
        }
        current?.size = size + record.count
        if size + record.count >= segmentLimit {
            closeCurrent()
            closed.append((path, batch.endIndex))
        }
    }

    /// Removes this process's closed segments whose entries SQLite holds (`appliedSize`).
    func removeSegments(appliedThrough appliedSize: UInt64) {
        while let first = closed.first, first.endIndex <= appliedSize {
            unlink(first.path)
            closed.removeFirst()
        }
    }

    /// Every batch in every segment, in log order. The unused, zeroed end of the last segment,
    /// and a record cut short there (a crash during its write; never acknowledged), are cut off
    /// the file; any other
    /// damage throws: the journal holds acknowledged entries, and none may be skipped silently.
    func readAllBatches() throws -> [LedgerJournalBatch] {
        let names = try segmentNames()
        var batches: [LedgerJournalBatch] = []
        for (position, name) in names.enumerated() {
            let path = directory + "/" + name
            let scan = LedgerJournalRecord.decode(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
            switch scan.damage {
            case nil:
                break
            case .tornTail where position == names.count - 1:
                try cut(path, to: scan.validLength)
            case .tornTail:
                throw LedgerStoreError.journal("\(path) ends in a partial record, but later segments follow it")
            case .corrupt(let offset, let reason):
                throw LedgerStoreError.journal("\(path) is damaged at byte \(offset): \(reason)")
            }
            batches += scan.batches
        }
        return batches
    }

    /// Removes every segment (SQLite holds them all). With `wipe`, each is overwritten with
    /// zeros and synced first, so erased data keys do not stay readable in freed blocks.
    func removeAllSegments(wipe: Bool) throws {
        closeCurrent()
        closed.removeAll()
        for name in try segmentNames() {
            let path = directory + "/" + name
            if wipe { try overwriteWithZeros(path) }
            unlink(path)
        }
        try DurableFileIO.syncDirectory(directory)
    }

    private func segmentNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".seg") }.sorted()
    }

    /// A new segment, its whole size allocated up front: an `fdatasync` after writing inside
    /// the file's size need not also write the file's metadata (on ext4 that halves its I/O).
    /// Where allocating ahead fails, the file grows as it is written.
    private func startSegment(firstIndex: UInt64) throws {
        let path = directory + "/" + String(format: "%020llu.seg", firstIndex)
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DurableFileIO.Failure("create", path) }
        do {
            if posix_fallocate(descriptor, 0, off_t(segmentLimit)) == 0, fsync(descriptor) != 0 {
                throw DurableFileIO.Failure("fsync", path)
            }
            // The segment's name must survive a crash as much as what is written into it.
            try DurableFileIO.syncDirectory(directory)
        } catch {
            _ = Foundation.close(descriptor)
            unlink(path)
            throw error
        }
        current = (descriptor, path, 0)
    }

    private func closeCurrent() {
        guard let descriptor = current?.descriptor else { return }
        _ = Foundation.close(descriptor)
        current = nil
    }

    private func cut(_ path: String, to length: Int) throws {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DurableFileIO.Failure("open", path) }
        defer { _ = Foundation.close(descriptor) }
        guard ftruncate(descriptor, off_t(length)) == 0, fsync(descriptor) == 0 else { throw DurableFileIO.Failure("truncate", path) }
    }

    private func overwriteWithZeros(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DurableFileIO.Failure("open", path) }
        defer { _ = Foundation.close(descriptor) }
        try DurableFileIO.writeAll([UInt8](repeating: 0, count: Int(status.st_size)), to: descriptor, path: path)
        guard fsync(descriptor) == 0 else { throw DurableFileIO.Failure("fsync", path) }
    }
}
