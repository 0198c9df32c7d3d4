import ArgumentParser

/// The `gatehouse` command.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "An access gateway for AI coding agents: authenticated, approved, masked and recorded access to PostgreSQL, Git, Azure Blob Storage and Kubernetes.",
        discussion: """
            Start with `gatehouse demo`: it runs Gatehouse on its embedded defaults with a demo \
            PostgreSQL holding sample personal data, and prints a token and a psql command.
            """,
        subcommands: [ServeCommand.self, ReloadCommand.self, DemoCommand.self, InitCommand.self, TokenCommand.self, KubeconfigCommand.self, CheckConfigCommand.self, DatabaseSetupCommand.self, AuditCommand.self, StoreCommand.self,
                      ApprovalsCommand.self])
}
