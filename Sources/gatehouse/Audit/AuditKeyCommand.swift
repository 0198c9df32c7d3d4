import ArgumentParser
import GatehouseLedger

/// Prints the log's public key: what an auditor needs (with the `gatehouse` binary) to verify
/// checkpoints and evidence bundles offline. `--new` prints a new signing key instead, for the
/// instances of a shared store to share (`ledger.signing_key_env` / `_file`).
struct AuditKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Print the ledger's checkpoint verifier key (signed-note format), or a new signing key.",
        discussion: """
            With --config, prints `<name>+<key id>+<base64 key>`, the C2SP signed-note verifier key \
            of the log's Ed25519 signing key (ledger.signing_key_env or _file, else \
            <data_dir>/ledger-signing.key, created on first use). Publish it to auditors out of band; \
            `gatehouse audit verify --key` takes it.

            With --new NAME, prints a new signer key (`PRIVATE+KEY+NAME+...`) named NAME (the \
            checkpoints' origin, e.g. gatehouse.example.com/ledger) and nothing else: put it in \
            the secret every instance of a shared store reads as ledger.signing_key_env or _file.
            """)

    @Option(name: .long, help: "The gateway's YAML configuration file (its data_dir holds the ledger).")
    var config: String?

    @Option(name: .customLong("new"), help: ArgumentHelp("Print a new signing key with this name (origin) instead.", valueName: "name"))
    var newKeyName: String?

    func validate() throws {
        guard (config == nil) != (newKeyName == nil) else {
            throw ValidationError("give exactly one of --config FILE (print the verifier key) or --new NAME (print a new signing key)")
        }
    }

    func run() throws {
        if let newKeyName {
            guard let signer = try? Ed25519NoteSigner.generate(keyName: newKeyName) else {
                throw ValidationError("'\(newKeyName)' cannot name a signing key: printable ASCII without spaces or '+'")
            }
            print(signer.signerKey)
            return
        }
        print(try LedgerSetup.signer(try loadConfiguration(config ?? "")).verifierKey)
    }
}
