import GatehouseKubernetes
import GatehousePolicy

/// A `connections` entry of `type: kubernetes`: a cluster's API server reached at
/// `/k8s/<name>` on the HTTP listener, with a credential only the gateway holds
/// (docs/kubernetes.md).
public struct KubernetesConnectionConfiguration: Sendable, Equatable {
    public var name: String
    public var upstream: KubernetesUpstream
    /// Principals need at least one of these groups; never empty.
    public var allowedGroups: [String]
    /// Namespaces agents may reach at all (`*` wildcards); never empty.
    public var namespaces: [String]
    /// The requests served (`KubeOperation` names); others are refused.
    public var operations: [KubeOperation]
    /// Pods whose exec, attach and logs hold personal data.
    public var personalData: [KubeDataRule]
    /// Which commands exec may run.
    public var commands: CommandRules
    /// When exec and logs on classified pods wait for a human's approval, and who approves.
    public var approval: ApprovalRules
    /// This connection's retention period in days; nil means the `ledger` section's.
    public var retentionDays: Int?

    public init(name: String, upstream: KubernetesUpstream, allowedGroups: [String], namespaces: [String],
                operations: [KubeOperation] = KubeOperation.defaultAllowed, personalData: [KubeDataRule] = [],
                commands: CommandRules = CommandRules(), approval: ApprovalRules? = nil, retentionDays: Int? = nil) {
        self.name = name
        self.upstream = upstream
        self.allowedGroups = allowedGroups
        self.namespaces = namespaces
        self.operations = operations
        self.personalData = personalData
        self.commands = commands
        self.approval = approval ?? ApprovalRules(mode: personalData.isEmpty ? .never : .personalData)
        self.retentionDays = retentionDays
    }
}

/// Where the API server is and how the gateway authenticates to it.
public struct KubernetesUpstream: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        /// A bearer token (a service account's), from an environment variable or a file. A file
        /// is read again at every request: projected service-account tokens rotate.
        case token(SecretSource)
        /// A client certificate and its key (PEM files).
        case clientCertificate(certificate: String, key: String)
    }

    /// `https://<host>:<port>` (http only to a loopback host, for tests).
    public var apiServer: String
    /// PEM file of the CA(s) the API server's certificate is checked against; nil: system trust.
    public var caFile: String?
    public var credential: Credential

    public init(apiServer: String, caFile: String? = nil, credential: Credential) {
        self.apiServer = apiServer
        self.caFile = caFile
        self.credential = credential
    }
}
