import Crypto
import Foundation
import GatehouseCore

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
        let data: Data
        do {
            guard let contents = try PrivateFile.contents(atPath: path) else { return nil }
            data = contents
        } catch PrivateFileError.cannotInspect(let reason) {
            throw DevIssuerError.keyFileUnreadable(path: path, reason: reason)
        } catch PrivateFileError.notRegularFile {
            throw DevIssuerError.keyFileUnreadable(path: path, reason: "it is not a regular file")
        } catch PrivateFileError.accessibleToOthers(let mode) {
            throw DevIssuerError.keyFileNotPrivate(path: path, mode: mode)
        } catch {
            throw DevIssuerError.keyFileUnreadable(path: path, reason: "it is not readable UTF-8 text")
        }
        guard let pem = String(data: data, encoding: .utf8) else {
            throw DevIssuerError.keyFileUnreadable(path: path, reason: "it is not readable UTF-8 text")
        }
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw DevIssuerError.keyFileUnreadable(path: path, reason: "it does not hold a PEM P-256 private key")
        }
    }

    private static func publish(_ pem: String, at path: String) throws -> Bool {
        do {
            return try PrivateFile.publish(Array(pem.utf8), at: path)
        } catch PrivateFileError.cannotWrite(let reason) {
            throw DevIssuerError.keyFileNotWritable(path: path, reason: reason)
        }
    }
}
