import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The dev issuer's P-256 signing key on disk, as PKCS#8 PEM readable by its owner only.
enum DevIssuerKeyFile {
    static let fileName = "dev-issuer-key.pem"

    static func loadOrCreate(directory: String) throws -> P256.Signing.PrivateKey {
        let path = URLPath.appending("/" + fileName, to: directory)
        if let existing = try load(path: path) { return existing }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DevIssuerError.keyFileNotWritable(path: path, reason: "cannot create directory \(directory)")
        }
        let key = P256.Signing.PrivateKey()
        if try publish(key.pemRepresentation, at: path) { return key }
        // Another process created the file between our load and publish: use its key.
        guard let winner = try load(path: path) else {
            throw DevIssuerError.keyFileUnreadable(path: path, reason: "it vanished while being created")
        }
        return winner
    }

    /// The key, nil when there is no file; throws when the file exists but is unsafe or unusable.
    static func load(path: String) throws -> P256.Signing.PrivateKey? {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw DevIssuerError.keyFileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw DevIssuerError.keyFileUnreadable(path: path, reason: "it is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw DevIssuerError.keyFileNotPrivate(path: path, mode: String(permissions, radix: 8))
        }
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DevIssuerError.keyFileUnreadable(path: path, reason: "it is not readable UTF-8 text")
        }
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw DevIssuerError.keyFileUnreadable(path: path, reason: "it does not hold a PEM P-256 private key")
        }
    }

    /// Writes the PEM to a private temporary file and hard-links it into place, so the key
    /// file is never visible half-written or with wider permissions, and an existing file is
    /// never replaced. Returns false when `path` already exists.
    private static func publish(_ pem: String, at path: String) throws -> Bool {
        let temporaryPath = path + ".\(getpid()).\(UUID().uuidString).tmp"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o600))
        guard descriptor >= 0 else {
            throw DevIssuerError.keyFileNotWritable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { unlink(temporaryPath) }
        // The creation mode is filtered by the umask; set it exactly.
        let written = fchmod(descriptor, 0o600) == 0 && writeAll(Array(pem.utf8), to: descriptor) && fsync(descriptor) == 0
        let writeError = errno
        close(descriptor)
        guard written else {
            throw DevIssuerError.keyFileNotWritable(path: path, reason: String(cString: strerror(writeError)))
        }
        guard link(temporaryPath, path) == 0 else {
            if errno == EEXIST { return false }
            throw DevIssuerError.keyFileNotWritable(path: path, reason: String(cString: strerror(errno)))
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
}
