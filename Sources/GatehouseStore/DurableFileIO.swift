import Foundation

/// The few POSIX calls durable files need here, with errors that name the file: the journal's
/// segments (`LedgerJournal`) and the checkpoint sink.
enum DurableFileIO {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ what: String, _ path: String, errno code: Int32 = errno) {
            description = "cannot \(what) \(path): \(String(cString: strerror(code)))"
        }
    }

    /// Writes every byte, at `offset` (pwrite) or else at the descriptor's position (write);
    /// a short write or EINTR continues where it stopped.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, at offset: Int? = nil, path: String) throws {
        var done = 0
        while done < bytes.count {
            let count = bytes[done...].withUnsafeBytes { buffer in
                offset.map { pwrite(descriptor, buffer.baseAddress, buffer.count, off_t($0 + done)) }
                    ?? Foundation.write(descriptor, buffer.baseAddress, buffer.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure("write", path)
            }
            done += count
        }
    }

    /// Makes a directory's entries (a new or removed name in it) survive a crash.
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure("open", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure("fsync", path) }
    }
}
