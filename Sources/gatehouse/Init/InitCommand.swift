import ArgumentParser
import Foundation

/// `gatehouse init`: writes the commented starter configuration (`StarterConfiguration`) and
/// says what to do next. Never overwrites a file unless told to.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter configuration for production.",
        discussion: """
            The file uses Entra ID with group claims, TLS on both listeners, and one PostgreSQL \
            connection with classified columns and approval. Edit the placeholders, create the \
            files and variables it names, then run `gatehouse check-config FILE`.
            """)

    @Option(name: .long, help: "Where to write it.")
    var output = "gatehouse.yaml"

    @Flag(name: .long, help: "Replace the file if it exists.")
    var force = false

    func run() throws {
        if FileManager.default.fileExists(atPath: output) && !force {
            throw ValidationFailure("\(output) exists; nothing was written (--force replaces it)")
        }
        guard FileManager.default.createFile(atPath: output, contents: Data(StarterConfiguration.text.utf8),
                                             attributes: [.posixPermissions: 0o640]) else {
            throw ValidationFailure("cannot write \(output)")
        }
        print("""
            Wrote \(output). Next:
              1. Replace the placeholders: the Entra ID tenant and client IDs, the audience, group names
                 (Entra ID group object IDs), the public URL, the upstream database and its tables.
              2. Put the TLS certificate and key at certs/gateway.pem and certs/gateway.key (next to the file).
              3. Set GATEHOUSE_PG_PASSWORD, GATEHOUSE_UI_CLIENT_SECRET, and two random keys:
                 GATEHOUSE_LEDGER_MASTER_KEY and GATEHOUSE_MASKING_KEY (e.g. `openssl rand -hex 32`).
              4. gatehouse db-setup --config \(output) --connection customers   # the SQL for the upstream's roles
              5. gatehouse check-config \(output)
              6. gatehouse serve --config \(output)
            """)
    }
}
