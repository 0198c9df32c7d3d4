import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseConfig
import GatehouseLedger
import GatehouseStore
import Logging

/// `gatehouse audit verify`: the whole stored log (--config), or an evidence bundle offline
/// (--bundle, with the log's public key and nothing else).
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the whole ledger, or an evidence bundle offline.",
        discussion: """
            gatehouse audit verify --config F [--key VERIFIERKEY] [--checkpoints DIR_OR_FILE]
              re-hashes every entry into the tree, decodes every entry, checks every stored \
            checkpoint's signature, root and consistency, and the external checkpoint copies \
            (--checkpoints, or the configured ledger.checkpoint_sink). Without --key the key is \
            the data directory's signing key.
            gatehouse audit verify --bundle FILE --key VERIFIERKEY
              verifies a bundle with no configuration and no database.
            Exit status 0 when valid; 1 with `FAILED at index N: why` (or `checkpoint at tree \
            size N`) otherwise.
            """)

    @Option(name: .long, help: "The gateway's YAML configuration file: verify its ledger.") var config: String?
    @Option(name: .long, help: "An evidence bundle file to verify (needs --key, no configuration).") var bundle: String?
    @Option(name: .long, help: "The log's verifier key (`gatehouse audit key`).") var key: String?
    @Option(name: .long, help: "External checkpoint notes: a sink directory or sink file.") var checkpoints: String?

    func validate() throws {
        guard (config == nil) != (bundle == nil) else { throw ValidationError("give either --config or --bundle") }
        if bundle != nil && key == nil { throw ValidationError("--bundle needs --key (the log's verifier key)") }
        if bundle != nil && checkpoints != nil { throw ValidationError("--checkpoints applies to --config only") }
    }

    func run() throws {
        do {
            print(try bundle.map { try verifyBundle(path: $0) } ?? verifyLog(configPath: config!))
        } catch let failure as EvidenceBundleVerificationFailure {
            print(failure.index != nil ? "FAILED at \(failure)" : "FAILED: \(failure)")
            throw ExitCode(1)
        } catch let failure as LedgerLogVerificationFailure {
            print(failure.description)
            throw ExitCode(1)
        } catch let error as ValidationFailure {
            printError("gatehouse audit verify: \(error)")
            throw ExitCode(1)
        }
    }

    private func verifierKey(_ text: String) throws -> Ed25519NoteVerifier {
        do {
            return try Ed25519NoteVerifier(verifierKey: text)
        } catch {
            throw ValidationFailure("--key is not a signed-note Ed25519 verifier key: \(error)")
        }
    }

    private func verifyBundle(path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationFailure("cannot read the bundle \(path)") }
        return try EvidenceBundleVerifier(verifier: verifierKey(key!)).verify(bundleBytes: [UInt8](data)).description
    }

    private func verifyLog(configPath: String) throws -> String {
        let configuration = try loadConfiguration(configPath)
        let verifier: Ed25519NoteVerifier
        if let key {
            verifier = try verifierKey(key)
        } else {
            // Never create a key here: a fresh key would verify nothing the log signed.
            guard configuration.ledger.signingKey != nil || FileManager.default.fileExists(atPath: configuration.ledgerSigningKeyPath) else {
                throw ValidationFailure("no signing key at \(configuration.ledgerSigningKeyPath); pass --key")
            }
            verifier = try LedgerSetup.signer(configuration).verifier
        }
        return try LedgerSetup.verifyWholeLog(configuration, verifier: verifier, checkpoints: checkpoints).description
    }
}
