import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A key file only its owner may read: the dev issuer's key, the masking secret. Reading refuses
/// anything others could read or swap (group/other mode bits, a symbolic link, not a regular
/// file); writing never shows a half-written file or wider permissions, and never replaces one.
/// Callers turn `PrivateFileError` into messages about their own key.
public enum PrivateFile {
    /// The bytes of the file, or nil when there is none.
    public static func contents(atPath path: String) throws -> Data? {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw PrivateFileError.cannotInspect(reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw PrivateFileError.notRegularFile }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw PrivateFileError.accessibleToOthers(mode: String(mode, radix: 8)) }
        guard let data = FileManager.default.contents(atPath: path) else { throw PrivateFileError.cannotRead }
        return data
    }

    /// Writes `bytes` to a private temporary file (mode 0600, fsynced), then hard-links it into
    /// place. False when `path` already exists (another process won the race: use its file).
    public static func publish(_ bytes: [UInt8], at path: String) throws -> Bool {
        let temporaryPath = path + ".\(getpid()).\(UUID().uuidString).tmp"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o600))
        guard descriptor >= 0 else { throw PrivateFileError.cannotWrite(reason: String(cString: strerror(errno))) }
        defer { unlink(temporaryPath) }
        // The creation mode is filtered by the umask; set it exactly.
        let written = fchmod(descriptor, 0o600) == 0 && writeAll(bytes, to: descriptor) && fsync(descriptor) == 0
        let writeError = errno
        close(descriptor)
        guard written else { throw PrivateFileError.cannotWrite(reason: String(cString: strerror(writeError))) }
        guard link(temporaryPath, path) == 0 else {
            if errno == EEXIST { return false }
            throw PrivateFileError.cannotWrite(reason: String(cString: strerror(errno)))
        }
        return true
    }
}

/// Why a private file could not be read or written.
public enum PrivateFileError: Error, Equatable {
    case cannotInspect(reason: String)
    case notRegularFile
    case accessibleToOthers(mode: String)
    case cannotRead
    case cannotWrite(reason: String)
}
