import GatehousePolicy

/// A `connections` entry of `type: git`: a Git smart-HTTP upstream (an Azure DevOps or GitHub
/// organisation, or any Git server), reached at `/git/<name>/<repository path>` on the HTTP
/// listener, with credentials only the gateway holds (docs/git.md).
public struct GitConnectionConfiguration: Sendable, Equatable {
    public var name: String
    public var upstream: GitUpstream
    /// Principals need at least one of these groups; never empty.
    public var allowedGroups: [String]
    public var push: GitPushRules
    /// Repositories holding personal data: fetches and pushes on them wait for approval.
    public var personalDataRepositories: [PersonalDataRepository]
    /// When requests wait for a human's approval, who approves, and the limits of a grant.
    public var approval: ApprovalRules
    /// This connection's retention period in days; nil means the `ledger` section's.
    public var retentionDays: Int?

    public init(
        name: String, upstream: GitUpstream, allowedGroups: [String], push: GitPushRules = GitPushRules(),
        personalDataRepositories: [PersonalDataRepository] = [], approval: ApprovalRules? = nil, retentionDays: Int? = nil
    ) {
        self.name = name
        self.personalDataRepositories = personalDataRepositories
        self.approval = approval ?? ApprovalRules(mode: GitApprovalTrigger.defaultMode(for: personalDataRepositories))
        self.upstream = upstream
        self.allowedGroups = allowedGroups
        self.push = push
        self.retentionDays = retentionDays
    }
}

/// Where the Git server is and how the gateway logs in to it.
public struct GitUpstream: Sendable, Equatable {
    public enum Authentication: String, Sendable, CaseIterable {
        /// HTTP Basic with `username` and the token as password (Azure DevOps PATs, GitHub tokens).
        case basic
        /// `Authorization: Bearer <token>`.
        case bearer
        /// No credential (a server that trusts the network, such as a test server).
        case none
    }

    /// https, or http only to a loopback host; repositories are paths below it.
    public var url: String
    public var authentication: Authentication
    /// For basic authentication; default `gatehouse`.
    public var username: String
    /// The token or password; required unless `authentication` is `none`.
    public var token: SecretSource?

    public init(url: String, authentication: Authentication = .basic, username: String = "gatehouse", token: SecretSource? = nil) {
        self.url = url
        self.authentication = authentication
        self.username = username
        self.token = token
    }
}

/// What a push may do. Patterns match the part after `refs/heads/` (branches) or `refs/tags/`
/// (tags); `*` stands for any characters except `/`, `**` for any characters.
public struct GitPushRules: Sendable, Equatable {
    public enum Scan: String, Sendable, CaseIterable {
        /// A push adding personal identifiers is refused, naming the file and the kind.
        case reject
        /// A push adding personal identifiers waits for an approver, who sees the files and kinds.
        case hold
        /// Pushes are not scanned.
        case off
    }

    /// Branches a push may create, update or delete; default: every branch.
    public var branches: [String]
    /// Whether tags may be pushed at all.
    public var tags: Bool
    /// Whether a ref update that is not provably a fast-forward is allowed (default no).
    public var allowForce: Bool
    public var scan: Scan

    public init(branches: [String] = ["**"], tags: Bool = false, allowForce: Bool = false, scan: Scan = .reject) {
        self.branches = branches
        self.tags = tags
        self.allowForce = allowForce
        self.scan = scan
    }
}
