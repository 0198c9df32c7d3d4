import GatehouseCore
import GatehousePolicy

/// The protocol family of a connection.
public enum ConnectionType: String, Sendable, CaseIterable {
    case postgres
    /// Git smart HTTP (`GitConnectionConfiguration`).
    case git
    /// Azure Blob Storage (`BlobConnectionConfiguration`).
    case azureBlob = "azure-blob"
    /// A Kubernetes API server (`KubernetesConnectionConfiguration`).
    case kubernetes
}

/// One entry of `connections`: a named upstream that clients reach through the gateway.
public struct ConnectionConfiguration: Sendable {
    /// Clients name it as the PostgreSQL database; matches `[A-Za-z0-9_.-]+`, unique.
    public var name: String
    public var type: ConnectionType
    public var upstream: PostgresUpstream
    /// Principals need at least one of these groups; never empty.
    public var allowedGroups: [String]
    public var personalData: DataClassification
    /// Overrides of the global `masking` rules for this connection only (empty when none);
    /// `GatehouseConfiguration.maskingRules(for:)` gives the merged rules.
    public var masking: MaskingRules
    /// This connection's retention period in days; nil means the `ledger` section's.
    public var retentionDays: Int?
    /// When statements wait for a human's approval, who approves, and the limits of a grant.
    public var approval: ApprovalRules
    /// Whether the MCP `query` tool may run statements that write (`mcp_writes`); otherwise it
    /// runs reads only, inside a read-only transaction (docs/mcp.md).
    public var mcpWrites: Bool

    public init(
        name: String, type: ConnectionType = .postgres, upstream: PostgresUpstream, allowedGroups: [String],
        personalData: DataClassification = DataClassification(), masking: MaskingRules = MaskingRules(), retentionDays: Int? = nil,
        approval: ApprovalRules? = nil, mcpWrites: Bool = false
    ) {
        self.mcpWrites = mcpWrites
        self.name = name
        self.type = type
        self.upstream = upstream
        self.allowedGroups = allowedGroups
        self.personalData = personalData
        self.masking = masking
        self.retentionDays = retentionDays
        self.approval = approval ?? ApprovalRules(mode: ApprovalMode.defaultMode(for: personalData))
    }
}

/// How the gateway itself reaches PostgreSQL, with credentials agents never see.
public struct PostgresUpstream: Sendable {
    public static let defaultPort = 5432
    public static let defaultLoginTimeoutSeconds = 10

    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    /// nil for trust authentication.
    public var password: SecretSource?
    public var sslMode: UpstreamTLSMode
    /// Absolute; only with `verifyFull` (nil there means the system trust store).
    public var caFile: String?
    /// The role statements that may reach personal data (approved, granted, break-glass) run as
    /// (`SET ROLE`); everything else runs as `user`, which cannot read classified data (the
    /// database backstop, docs/security.md). nil: every statement runs as `user`.
    public var approvedRole: String?
    /// The operator's reason for running a connection with personal data on a role that can
    /// read classified data without approval (no database backstop). nil: such a role is refused.
    public var acceptedRisk: String?
    /// Connecting, TLS and the login together must finish within this; a server that accepts
    /// TCP but never answers (frozen, overloaded) fails the client's login with a clear error.
    public var loginTimeoutSeconds: Int

    public init(
        host: String, port: Int = Self.defaultPort, database: String, user: String, password: SecretSource? = nil,
        sslMode: UpstreamTLSMode = .disable, caFile: String? = nil, approvedRole: String? = nil, acceptedRisk: String? = nil,
        loginTimeoutSeconds: Int = Self.defaultLoginTimeoutSeconds
    ) {
        self.loginTimeoutSeconds = loginTimeoutSeconds
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
        self.sslMode = sslMode
        self.caFile = caFile
        self.approvedRole = approvedRole
        self.acceptedRisk = acceptedRisk
    }
}

/// TLS towards the upstream server, named as libpq's `sslmode`.
public enum UpstreamTLSMode: String, Sendable, CaseIterable {
    case disable, require
    case verifyFull = "verify-full"
}
