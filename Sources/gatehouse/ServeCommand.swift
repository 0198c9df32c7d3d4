import ArgumentParser
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway from a configuration file.",
        discussion: """
            Prints `gatehouse: postgres listener on HOST:PORT` (or `... off` when no connection is \
            PostgreSQL: the port is not bound), `gatehouse: http listener on HOST:PORT` and \
            `gatehouse: ready` once it accepts clients. SIGINT or SIGTERM stop it. \
            See docs/configuration.md for the file format.
            """)

    @Option(help: "The YAML configuration file.")
    var config: String

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Log lines on standard error: text (escaped lines) or json (one object per line).")
    var logFormat: LogFormat = .text

    func run() async throws {
        let configuration = try loadConfiguration(config)
        logFormat.bootstrap()
        var logger = Logger(label: "gatehouse")
        logger.logLevel = logLevel
        do {
            try await GatewayRuntime(configuration: configuration, logger: logger).run()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            // Start-up failures (ports in use, unreadable secrets, bad certificates) end here.
            printError("gatehouse: \(error)")
            throw ExitCode(1)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
