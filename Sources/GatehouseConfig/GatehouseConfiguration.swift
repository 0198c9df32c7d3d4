import Foundation
import GatehousePolicy

/// The whole configuration file (docs/configuration.md), validated, with every path absolute.
public struct GatehouseConfiguration: Sendable {
    /// The file it was read from, as given (error messages use the same spelling).
    public var sourcePath: String
    /// Absolute.
    public var dataDirectory: String
    public var postgresListener: PostgresListenerConfiguration
    public var httpListener: HTTPListenerConfiguration
    public var issuers: [IssuerSettings]
    /// nil unless enabled.
    public var devIssuer: DevIssuerSettings?
    public var connections: [ConnectionConfiguration]
    /// `connections` entries of `type: git`.
    public var gitConnections: [GitConnectionConfiguration]
    /// `connections` entries of `type: azure-blob`.
    public var blobConnections: [BlobConnectionConfiguration]
    /// `connections` entries of `type: kubernetes`.
    public var kubernetesConnections: [KubernetesConnectionConfiguration]
    /// The global masking settings; each connection may override its rules.
    public var masking: MaskingConfiguration
    /// The evidence ledger: keys, checkpoints, retention.
    public var ledger: LedgerConfiguration
    /// Where approval requests and decisions are announced (none by default).
    public var notifications: [NotificationConfiguration]
    /// The web UI: public URL, sign-in, roles.
    public var web: WebConfiguration
    /// Where durable state lives: the data directory, or a shared PostgreSQL store.
    public var store: StoreConfiguration
    /// The MCP endpoint (`/mcp`).
    public var mcp: MCPConfiguration

    public init(
        sourcePath: String, dataDirectory: String,
        postgresListener: PostgresListenerConfiguration = PostgresListenerConfiguration(),
        httpListener: HTTPListenerConfiguration = HTTPListenerConfiguration(),
        issuers: [IssuerSettings] = [], devIssuer: DevIssuerSettings? = nil,
        connections: [ConnectionConfiguration] = [], gitConnections: [GitConnectionConfiguration] = [],
        blobConnections: [BlobConnectionConfiguration] = [], kubernetesConnections: [KubernetesConnectionConfiguration] = [],
        masking: MaskingConfiguration = MaskingConfiguration(),
        ledger: LedgerConfiguration = LedgerConfiguration(), notifications: [NotificationConfiguration] = [],
        web: WebConfiguration = WebConfiguration(), store: StoreConfiguration = .sqlite, mcp: MCPConfiguration = MCPConfiguration()
    ) {
        self.mcp = mcp
        self.sourcePath = sourcePath
        self.dataDirectory = dataDirectory
        self.postgresListener = postgresListener
        self.httpListener = httpListener
        self.issuers = issuers
        self.devIssuer = devIssuer
        self.connections = connections
        self.gitConnections = gitConnections
        self.blobConnections = blobConnections
        self.kubernetesConnections = kubernetesConnections
        self.masking = masking
        self.ledger = ledger
        self.notifications = notifications
        self.web = web
        self.store = store
    }

    /// Reads and validates a configuration file. Every failure, including an unreadable
    /// file, is a `ConfigurationError`.
    public static func load(path: String) throws -> GatehouseConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw ConfigurationError(file: path, line: nil, column: nil, keyPath: "", problem: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, line: nil, column: nil, keyPath: "", problem: "the file is not UTF-8 text")
        }
        return try parse(yaml: text, sourcePath: path)
    }

    /// Validates configuration text. Relative paths resolve against the directory of
    /// `sourcePath`, and the TLS files it names must exist.
    public static func parse(yaml: String, sourcePath: String) throws -> GatehouseConfiguration {
        let root = try YAMLDocument.root(of: yaml, file: sourcePath)
        let decoder = ConfigurationDecoder(paths: PathResolver(configurationFile: sourcePath))
        return try decoder.decodeConfiguration(root, sourcePath: sourcePath)
    }

    /// Where browsers reach the HTTP listener, without a trailing slash: `web.public_url`, or
    /// the listener's own address (a wildcard address becomes 127.0.0.1).
    public var publicBaseURL: String {
        if let url = web.publicURL { return url }
        let listener = httpListener
        let scheme = listener.tls == nil ? "http" : "https"
        let host = listener.address == "0.0.0.0" || listener.address == "::" ? "127.0.0.1" : listener.address
        return "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(listener.port)"
    }

    /// The web UI's page for an approval request: the link in notifications, errors and the API.
    public func approvalPageURL(requestID: String) -> String {
        publicBaseURL + "/ui/approvals/" + requestID
    }

    public func connection(named name: String) -> ConnectionConfiguration? {
        connections.first { $0.name == name }
    }

    /// The masking key generated on first start when neither `key_env` nor `key_file` is set.
    public var defaultMaskingKeyPath: String {
        dataDirectory + "/" + MaskingConfiguration.defaultKeyFileName
    }

    public var ledgerDatabasePath: String { dataDirectory + "/" + LedgerConfiguration.databaseFileName }
    public var ledgerSigningKeyPath: String { dataDirectory + "/" + LedgerConfiguration.signingKeyFileName }
    /// Where the checkpoint signing key comes from, for messages: the configured variable or
    /// file, else `ledgerSigningKeyPath`.
    public var ledgerSigningKeySource: String { ledger.signingKey.map { "\($0)" } ?? ledgerSigningKeyPath }
    /// The master key generated on first start when neither `master_key_env` nor `master_key_file` is set.
    public var defaultLedgerMasterKeyPath: String { dataDirectory + "/" + LedgerConfiguration.defaultMasterKeyFileName }

    /// How long the connection's sealed payloads stay readable, in days.
    public func retentionDays(for connection: ConnectionConfiguration) -> Int {
        connection.retentionDays ?? ledger.retentionDays
    }

    /// The global masking rules with the connection's overrides laid over them.
    public func maskingRules(for connection: ConnectionConfiguration) -> MaskingRules {
        masking.rules.merging(connection.masking)
    }
}

extension GatehouseConfiguration {
    /// Every connection's approval rules (PostgreSQL, Git and Azure Blob), by connection name:
    /// what the approval API and UI decide with.
    public var approvalRulesByConnection: [String: ApprovalRules] {
        Dictionary(connections.map { ($0.name, $0.approval) } + gitConnections.map { ($0.name, $0.approval) }
                   + blobConnections.map { ($0.name, $0.approval) } + kubernetesConnections.map { ($0.name, $0.approval) },
                   uniquingKeysWith: { first, _ in first })
    }

    /// The groups that approve on some connection (sorted, no repeats).
    public var approverGroups: [String] {
        Set(approvalRulesByConnection.values.flatMap(\.approverGroups)).sorted()
    }
}
