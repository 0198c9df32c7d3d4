import ArgumentParser
import GatehouseConfig
import GatehousePolicy
import GatehousePostgres
import NIOPosix

struct DatabaseSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db-setup",
        abstract: "Print (or apply) the SQL that sets a connection's database up for the database backstop.",
        discussion: """
            The login role (upstream.user) gets every table of the connection's schemas except the \
            classified columns, and temporary tables; the approved role (upstream.approved_role) gets \
            the rest, and only Gatehouse switches to it, for statements it let through as reaching \
            personal data. See docs/security.md. Without --apply the SQL is printed for review; with it, \
            the SQL runs as --admin-user and the login role is inspected as check-config does.
            """)

    @Option(help: "The configuration file.")
    var config: String

    @Option(help: "The PostgreSQL connection to set up (its name in the configuration).")
    var connection: String

    @Option(help: "Another schema whose tables agents may read (repeatable); public and the classified tables' schemas are included.")
    var schema: [String] = []

    @Flag(help: "Run the SQL instead of printing it.")
    var apply = false

    @Option(help: "With --apply: the role to run the SQL as (a superuser, or one with CREATEROLE owning the tables).")
    var adminUser: String?

    @Option(help: "With --apply: the environment variable holding --admin-user's password (none: trust or peer authentication).")
    var adminPasswordEnv: String?

    func run() async throws {
        let configuration = try loadConfiguration(config)
        guard let target = configuration.connections.first(where: { $0.name == connection }) else {
            printError("\(config): no PostgreSQL connection named '\(connection)'")
            throw ExitCode(1)
        }
        guard let approvedRole = target.upstream.approvedRole else {
            printError("\(config): connection '\(connection)' has no upstream.approved_role; name the role approved statements run as first")
            throw ExitCode(1)
        }
        let sql = BackstopSetupSQL(database: target.upstream.database, loginRole: target.upstream.user, approvedRole: approvedRole,
                                   classification: target.personalData, extraSchemas: schema).script
        guard apply else {
            print(sql, terminator: "")
            return
        }
        guard let adminUser else {
            printError("db-setup --apply needs --admin-user")
            throw ExitCode(1)
        }
        let password: String?
        do {
            password = try adminPasswordEnv.map { try SecretSource.environment($0).resolve() }
        } catch {
            printError("--admin-password-env: \(error)")
            throw ExitCode(1)
        }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        do {
            try await UpstreamScript.run(sql, on: target, user: adminUser, password: password, eventLoop: loop)
        } catch {
            printError("connection '\(connection)': the set-up SQL failed (nothing was changed): \(error)")
            throw ExitCode(1)
        }
        print("connection '\(connection)': set up roles \(target.upstream.user) (login) and \(approvedRole) (approved)")
        if let source = target.upstream.password, (try? source.resolve()) == nil {
            print("connection '\(connection)': the login role's password (from \(source)) is not available here; "
                + "set it (psql: \\password \(target.upstream.user)), then run `gatehouse check-config \(config)`")
            return
        }
        for result in await UpstreamRoleInspection.inspect(configuration, on: loop) where result.connection == connection {
            guard result.problems.isEmpty else {
                printError(UpstreamRoleInspection.refusal(result, configPath: config))
                throw ExitCode(1)
            }
            print("connection '\(connection)': the upstream role holds the database backstop")
        }
    }
}
