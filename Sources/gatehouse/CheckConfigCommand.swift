import ArgumentParser
import Foundation
import GatehouseConfig
import GatehouseCore
import Logging
import GatehousePostgres
import NIOPosix

struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file without starting anything.",
        discussion: """
            Prints a summary when the file is valid; otherwise prints file:line:column: key: problem and exits 1. \
            Logs in to every PostgreSQL connection with personal data and checks that its role holds the database \
            backstop (docs/security.md). Never prints secrets.
            """)

    @Argument(help: "The YAML configuration file.")
    var file: String

    @Flag(help: "Do not log in to the upstream servers (skips the upstream role check).")
    var offline = false

    func run() async throws {
        let configuration = try loadConfiguration(file)
        print(configuration.renderedSummary())
        printDerivedClassification(configuration)
        // Secrets are resolved too, so a missing environment variable is caught here, not at the first client.
        var problems: [String] = []
        for connection in configuration.connections {
            do { _ = try connection.upstream.password?.resolve() } catch {
                problems.append("connection '\(connection.name)': \(error)")
            }
        }
        do { _ = try configuration.masking.resolveConfiguredKey() } catch {
            problems.append("masking key: \(error)")
        }
        do { _ = try configuration.ledger.resolveConfiguredMasterKey() } catch {
            problems.append("ledger master key: \(error)")
        }
        for connection in configuration.gitConnections {
            do { _ = try connection.upstream.token?.resolve() } catch {
                problems.append("connection '\(connection.name)': \(error)")
            }
        }
        for connection in configuration.blobConnections {
            let secret: SecretSource
            switch connection.upstream.credential {
            case .sharedKey(_, let key): secret = key
            case .sas(let source): secret = source
            case .entraID(let client):
                switch client.proof {
                case .secret(let source): secret = source
                case .federatedTokenFile(let path):
                    if !FileManager.default.isReadableFile(atPath: path) {
                        problems.append("connection '\(connection.name)': the federated token file \(path) cannot be read")
                    }
                    continue
                }
            }
            do { _ = try secret.resolve() } catch {
                problems.append("connection '\(connection.name)': upstream credential: \(error)")
            }
        }
        for connection in configuration.kubernetesConnections {
            let upstream = connection.upstream
            switch upstream.credential {
            case .token(let source):
                do { _ = try source.resolve() } catch {
                    problems.append("connection '\(connection.name)': upstream token: \(error)")
                }
            case .clientCertificate(let certificate, let key):
                for file in [certificate, key] where !FileManager.default.isReadableFile(atPath: file) {
                    problems.append("connection '\(connection.name)': \(file) cannot be read")
                }
            }
            if let caFile = upstream.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                problems.append("connection '\(connection.name)': the CA file \(caFile) cannot be read")
            }
        }
        for target in configuration.notifications {
            do {
                _ = try target.url.resolve()
                _ = try target.secret?.resolve()
            } catch {
                problems.append("notification target '\(target.name)': \(error)")
            }
        }
        do { _ = try configuration.web.login?.clientSecret?.resolve() } catch {
            problems.append("web.login client secret: \(error)")
        }
        if !offline, problems.isEmpty {
            for result in await UpstreamRoleInspection.inspect(configuration, on: MultiThreadedEventLoopGroup.singleton.next()) {
                if result.problems.isEmpty {
                    print("connection '\(result.connection)': the upstream role holds the database backstop")
                } else if let risk = result.acceptedRisk {
                    print("connection '\(result.connection)': the upstream role does not hold the database backstop (risk accepted: \(risk)):\n"
                        + result.problems.map { "  - \($0)" }.joined(separator: "\n"))
                } else {
                    problems.append(UpstreamRoleInspection.refusal(result, configPath: file))
                }
            }
        }
        if !problems.isEmpty {
            printError(problems.map { "\(file): \($0)" }.joined(separator: "\n"))
            throw ExitCode(1)
        }
        print("\(file): OK")
    }
}

extension CheckConfigCommand {
    /// What approved writes classified so far, from the ledger (when it exists): the gateway
    /// treats it as configured classification (docs/security.md, stashing).
    func printDerivedClassification(_ configuration: GatehouseConfiguration) {
        guard configuration.store != .sqlite || FileManager.default.fileExists(atPath: configuration.ledgerDatabasePath) else { return }
        let derived: [String: DataClassification]
        var quiet = Logger(label: "gatehouse")
        quiet.logLevel = .warning
        do {
            derived = try LedgerSetup.derivedClassification(LedgerSetup.openStore(configuration, logger: quiet))
        } catch {
            print("Derived classification: cannot be read from the ledger: \(error)")
            return
        }
        print("Derived classification (from the ledger: copies approved writes made)")
        let lines = configuration.connections.flatMap { connection -> [String] in
            (derived[connection.name]?.tables ?? []).map { table in
                let columns = table.category.map { "whole table: \($0)" }
                    ?? table.columns.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                return "  \(connection.name): \(table.relation) (\(columns))"
            }
        }
        print(lines.isEmpty ? "  none" : lines.joined(separator: "\n"))
    }
}

/// Loads a configuration or exits with its located error message.
func loadConfiguration(_ path: String) throws -> GatehouseConfiguration {
    do {
        return try GatehouseConfiguration.load(path: path)
    } catch let error as ConfigurationError {
        printError(error.description)
        throw ExitCode(1)
    }
}
