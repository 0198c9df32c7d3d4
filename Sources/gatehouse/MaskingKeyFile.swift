import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The default masking secret: exactly 32 random bytes (raw, not text) in
/// `<data_dir>/masking.key`, readable and writable by its owner only. Created on first start;
/// after that it must stay the same, or every pseudonym and subject digest changes.
enum MaskingKeyFile {
    static let keyByteCount = 32

    /// The key in `path`, creating the file (and its directory, mode 0700) when absent.
    static func loadOrCreate(path: String) throws -> [UInt8] {
        if let existing = try load(path: path) { return existing }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw failure(path, "cannot be created: cannot create the directory \(directory)")
        }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        if try publish(key, at: path) { return key }
        // Another process created it between our load and publish: use that one.
        guard let winner = try load(path: path) else { throw failure(path, "vanished while being created") }
        return winner
    }

    /// The key, or nil when there is no file. Refuses a file that others may read or write,
    /// that is not a regular file (a symbolic link included), or that does not hold exactly
    /// 32 bytes.
    static func load(path: String) throws -> [UInt8]? {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw failure(path, "cannot be inspected: \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw failure(path, "is not a regular file") }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw failure(path, "is accessible to other users (mode \(String(mode, radix: 8))); restrict it with `chmod 600 \(path)`")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw failure(path, "cannot be read") }
        guard data.count == keyByteCount else {
            throw failure(path, "holds \(data.count) bytes, not the \(keyByteCount) random bytes of a masking key (restore the original file, or configure masking.key_env or masking.key_file)")
        }
        return Array(data)
    }

    /// Writes to a private temporary file, then hard-links it into place: the key is never
    /// visible half-written or with wider permissions, and an existing file is never replaced.
    /// False when `path` already exists.
    private static func publish(_ key: [UInt8], at path: String) throws -> Bool {
        let temporaryPath = path + ".\(getpid()).\(UUID().uuidString).tmp"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o600))
        guard descriptor >= 0 else { throw failure(path, "cannot be created: \(String(cString: strerror(errno)))") }
        defer { unlink(temporaryPath) }
        // The umask filters the creation mode; set it exactly.
        let written = fchmod(descriptor, 0o600) == 0 && writeAll(key, to: descriptor) && fsync(descriptor) == 0
        let writeError = errno
        close(descriptor)
        guard written else { throw failure(path, "cannot be written: \(String(cString: strerror(writeError)))") }
        guard link(temporaryPath, path) == 0 else {
            if errno == EEXIST { return false }
            throw failure(path, "cannot be created: \(String(cString: strerror(errno)))")
        }
        return true
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }

    private static func failure(_ path: String, _ problem: String) -> ValidationFailure {
        ValidationFailure("masking key file \(path) \(problem)")
    }
}
