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

    /// Writes every byte (a short write or EINTR continues where it stopped).
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure("write", path)
            }
            offset += count
        }
    }

    /// Writes every byte at `offset` (pwrite; a short write or EINTR continues where it stopped).
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, at offset: Int, path: String) throws {
        var done = 0
        while done < bytes.count {
            let count = bytes[done...].withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset + done)) }
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

    /// The whole file, or nil when it does not exist.
    static func contents(of path: String) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw Failure("open", path)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure("read", path)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }
}
