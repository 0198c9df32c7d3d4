import ArgumentParser

/// `gatehouse audit ...`: the evidence ledger for auditors and data-protection officers.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Inspect, prove and erase the evidence ledger (docs/evidence.md).",
        subcommands: [AuditKeyCommand.self, AuditSubjectCommand.self, AuditCommitsCommand.self, AuditEraseCommand.self, AuditVerifyCommand.self, AuditReplayCommand.self,
                      AuditExportCommand.self])
}

/// The `--config` option every audit command takes.
struct AuditConfigOption: ParsableArguments {
    @Option(name: .long, help: "The gateway's YAML configuration file (its data_dir holds the ledger).")
    var config: String
}
