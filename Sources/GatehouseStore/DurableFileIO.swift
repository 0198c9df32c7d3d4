import Foundation
import GatehouseCore

/// The few POSIX calls durable files need here, with errors that name the file: the journal's
/// segments (`LedgerJournal`) and the checkpoint sink.
enum DurableFileIO {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ what: String, _ path: String, errno code: Int32 = errno) {
            description = "cannot \(what) \(path): \(String(cString: strerror(code)))"
        }
    }

    /// `GatehouseCore.writeAll`, failing with the file named.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, at offset: Int? = nil, path: String) throws {
        guard GatehouseCore.writeAll(bytes, to: descriptor, at: offset) else { throw Failure("write", path) }
    }

    /// Makes a directory's entries (a new or removed name in it) survive a crash.
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure("open", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure("fsync", path) }
    }
}
