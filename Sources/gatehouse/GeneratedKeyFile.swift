import Crypto
import Foundation
import GatehouseCore

/// A key Gatehouse generates on first start and keeps in the data directory, readable and
/// writable by its owner only (`PrivateFile`). After that it must stay the same: the masking
/// secret keys every pseudonym and subject digest, the ledger master key unwraps every data
/// key, the signing key names the log.
struct GeneratedKeyFile {
    /// What the key is, for messages: "masking key file <path> ...".
    let noun: String
    /// What a valid file holds, for messages.
    let expected: String
    /// What the operator can do about an invalid file.
    let remedy: String
    let isValid: ([UInt8]) -> Bool

    /// The default masking secret and the default ledger master key: 32 random bytes, raw.
    static let maskingKey = randomBytes(noun: "masking key", alternatives: "masking.key_env or masking.key_file")
    static let ledgerMasterKey = randomBytes(noun: "ledger master key", alternatives: "ledger.master_key_env or ledger.master_key_file")

    private static func randomBytes(noun: String, alternatives: String) -> GeneratedKeyFile {
        GeneratedKeyFile(noun: noun, expected: "the 32 random bytes of a \(noun)",
                         remedy: "restore the original file, or configure \(alternatives)", isValid: { $0.count == 32 })
    }

    static func randomKey() -> [UInt8] { SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) } }

    /// The key in `path`, creating the file (and its directory, mode 0700) from `generate` when absent.
    func loadOrCreate(path: String, generate: () throws -> [UInt8] = GeneratedKeyFile.randomKey) throws -> [UInt8] {
        if let existing = try load(path: path) { return existing }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw failure(path, "cannot be created: cannot create the directory \(directory)")
        }
        let key = try generate()
        if try publish(key, at: path) { return key }
        // Another process created it between our load and publish: use that one.
        guard let winner = try load(path: path) else { throw failure(path, "vanished while being created") }
        return winner
    }

    /// The key, or nil when there is no file. Refuses a file that others may read or write,
    /// that is not a regular file (a symbolic link included), or whose contents are not valid.
    func load(path: String) throws -> [UInt8]? {
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
        guard isValid(Array(data)) else {
            throw failure(path, "holds \(data.count) bytes that are not \(expected) (\(remedy))")
        }
        return Array(data)
    }

    private func publish(_ key: [UInt8], at path: String) throws -> Bool {
        do {
            return try PrivateFile.publish(key, at: path)
        } catch PrivateFileError.cannotWrite(let reason) {
            throw failure(path, "cannot be created: \(reason)")
        }
    }

    private func failure(_ path: String, _ problem: String) -> ValidationFailure {
        ValidationFailure("\(noun) file \(path) \(problem)")
    }
}
