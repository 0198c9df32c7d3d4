import Crypto
import Foundation
import GatehouseCore

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
        let data: Data
        do {
            guard let contents = try PrivateFile.contents(atPath: path) else { return nil }
            data = contents
        } catch PrivateFileError.cannotInspect(let reason) {
            throw failure(path, "cannot be inspected: \(reason)")
        } catch PrivateFileError.notRegularFile {
            throw failure(path, "is not a regular file")
        } catch PrivateFileError.accessibleToOthers(let mode) {
            throw failure(path, "is accessible to other users (mode \(mode)); restrict it with `chmod 600 \(path)`")
        } catch {
            throw failure(path, "cannot be read")
        }
        guard data.count == keyByteCount else {
            throw failure(path, "holds \(data.count) bytes, not the \(keyByteCount) random bytes of a masking key (restore the original file, or configure masking.key_env or masking.key_file)")
        }
        return Array(data)
    }

    private static func publish(_ key: [UInt8], at path: String) throws -> Bool {
        do {
            return try PrivateFile.publish(key, at: path)
        } catch PrivateFileError.cannotWrite(let reason) {
            throw failure(path, "cannot be created: \(reason)")
        }
    }

    private static func failure(_ path: String, _ problem: String) -> ValidationFailure {
        ValidationFailure("masking key file \(path) \(problem)")
    }
}
