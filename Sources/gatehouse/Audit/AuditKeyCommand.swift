import ArgumentParser
import GatehouseLedger

/// Prints the log's public key: what an auditor needs (with the `gatehouse` binary) to verify
/// checkpoints and evidence bundles offline.
struct AuditKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Print the ledger's checkpoint verifier key (signed-note format).",
        discussion: """
            Prints `<name>+<key id>+<base64 key>`, the C2SP signed-note verifier key of the log's \
            Ed25519 signing key (<data_dir>/ledger-signing.key, created on first use). Publish it \
            to auditors out of band; `gatehouse audit verify --key` takes it.
            """)

    @OptionGroup var options: AuditConfigOption

    func run() throws {
        let configuration = try loadConfiguration(options.config)
        print(try LedgerSetup.signer(configuration).verifierKey)
    }
}
