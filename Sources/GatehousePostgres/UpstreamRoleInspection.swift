import GatehouseConfig
import GatehousePolicy
import GatehouseSQL
import NIOCore

/// Logs in as a connection's upstream role and reads what it may do (`UpstreamRoleReport`), for
/// `serve` (which refuses to start on a role that does not hold the database backstop) and
/// `check-config` (which says why).
public enum UpstreamRoleInspection {
    public struct Result: Sendable {
        public var connection: String
        /// Why the role does not hold the backstop (empty: it does).
        public var problems: [String]
        /// The operator's reason for running it anyway (`upstream.accept_risk`), if any.
        public var acceptedRisk: String?
        /// The problems stop the connection from being served.
        public var refuses: Bool { !problems.isEmpty && acceptedRisk == nil }
    }

    /// Inspects every connection with personal data (the others have nothing to protect).
    public static func inspect(_ configuration: GatehouseConfiguration, on eventLoop: EventLoop) async -> [Result] {
        var results: [Result] = []
        for connection in configuration.connections where !connection.personalData.isEmpty {
            let problems: [String]
            do {
                problems = try await report(connection, on: eventLoop)
            } catch {
                problems = ["cannot inspect the upstream role \(connection.upstream.user): \(error)"]
            }
            results.append(Result(connection: connection.name, problems: problems, acceptedRisk: connection.upstream.acceptedRisk))
        }
        return results
    }

    /// What an operator reads when a connection is refused: every problem, and the two ways out.
    public static func refusal(_ result: Result, configPath: String) -> String {
        (["connection '\(result.connection)': the upstream role does not hold the database backstop:"]
            + result.problems.map { "  - \($0)" }
            + ["  Set the roles up with `gatehouse db-setup --config \(configPath) --connection \(result.connection)` (docs/security.md),",
               "  or accept the risk with a reason in connections[].upstream.accept_risk."]).joined(separator: "\n")
    }

    private static func report(_ connection: ConnectionConfiguration, on eventLoop: EventLoop) async throws -> [String] {
        let connector = UpstreamConnector(upstream: connection.upstream, password: try connection.upstream.password?.resolve(),
                                          tls: try UpstreamTLS.make(for: connection.upstream))
        let rows = try await connector.query(UpstreamCatalog.query, on: eventLoop).get()
        let catalog = UpstreamCatalog(rows: rows, analyzer: StatementAnalyzer())
        let views = catalog.views
        return catalog.role.problems(classification: connection.personalData, approvedRole: connection.upstream.approvedRole,
                                     baseColumns: { views.baseColumns(of: $0) })
    }
}
