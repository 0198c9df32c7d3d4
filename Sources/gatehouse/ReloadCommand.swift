import ArgumentParser
import Foundation

/// `gatehouse reload`: checks the configuration file, then asks the running gateway to reload it
/// (SIGHUP to the process `<data_dir>/gatehouse.pid` names). The gateway logs `configuration
/// reloaded`, or why it refused and kept the running configuration.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Check the configuration file and have the running gateway reload it (SIGHUP).",
        discussion: """
            Connections of every type, classification, approval rules and masking change without \
            dropping sessions; the new file is recorded in the ledger. Listeners, identity, the \
            ledger, the store and the web UI change at the next start (docs/configuration.md, \
            "Reloading").
            """)

    @Option(help: "The YAML configuration file the gateway runs with.")
    var config: String

    func run() throws {
        // A file that does not load is reported here, with its line, and nothing is sent.
        let configuration = try loadConfiguration(config)
        let file = ProcessIDFile(configuration)
        guard let pid = file.read() else {
            throw ValidationFailure("no running gateway found: \(file.path) is missing or unreadable (is `gatehouse serve` running with this data_dir?)")
        }
        guard kill(pid, SIGHUP) == 0 else {
            throw ValidationFailure("cannot signal process \(pid) named in \(file.path): \(String(cString: strerror(errno)))")
        }
        print("Asked gatehouse (process \(pid)) to reload \(config); its log says `configuration reloaded`, or why it kept the running one.")
    }
}
