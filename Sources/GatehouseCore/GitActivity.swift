import Foundation

/// One Git smart-HTTP request through the gateway (ledger kind `git`): what was fetched or pushed,
/// where, and what Gatehouse decided. Commit authorship and messages are personal data and are
/// sealed in the ledger; object IDs, refs, the repository, the decision and counts stay clear, so
/// "which commits did this agent push, under whose authorisation" stays answerable after erasure.
public struct GitActivity: Sendable, Codable, Equatable {
    public enum Service: String, Sendable, Codable, CaseIterable {
        case uploadPack = "upload-pack"
        case receivePack = "receive-pack"
    }

    /// The `operation` values Gatehouse writes: `advertisement` (GET info/refs), `fetch`
    /// (upload-pack POST, v0/v1 or a v2 `fetch`), `ls-refs` (v2), `push` (receive-pack POST). A
    /// protocol v2 request records its command name, so other v2 commands may appear too.
    public enum Operation {
        public static let advertisement = "advertisement"
        public static let fetch = "fetch"
        public static let lsRefs = "ls-refs"
        public static let push = "push"
    }

    /// The `decision` values: `allowed` (forwarded upstream), `refused` (by policy or scanning:
    /// the request did not reach upstream), `held` (waiting for an approval).
    public enum Decision {
        public static let allowed = "allowed"
        public static let refused = "refused"
        public static let held = "held"
        public static let all: Set<String> = [allowed, refused, held]
    }

    /// One ref update command of a push.
    public struct RefUpdateRecord: Sendable, Codable, Equatable {
        /// The `kind` values.
        public static let kinds: Set<String> = ["create", "update", "delete"]
        public var ref: String
        /// Hex object IDs; all zeros for "none" (a create's old, a delete's new).
        public var old: String
        public var new: String
        /// `create`, `update` or `delete`.
        public var kind: String

        public init(ref: String, old: String, new: String, kind: String) {
            self.ref = ref
            self.old = old
            self.new = new
            self.kind = kind
        }
    }

    /// One pushed commit. `id`, `tree`, `parents` and the times are clear in the ledger; the
    /// names, emails and message are sealed.
    public struct CommitRecord: Sendable, Codable, Equatable {
        public var id: String
        public var tree: String
        public var parents: [String]
        public var authorName: String
        public var authorEmail: String
        public var authorTime: Date
        public var committerName: String
        public var committerEmail: String
        public var committerTime: Date
        public var message: String

        public init(id: String, tree: String, parents: [String], authorName: String, authorEmail: String, authorTime: Date,
                    committerName: String, committerEmail: String, committerTime: Date, message: String) {
            self.id = id
            self.tree = tree
            self.parents = parents
            self.authorName = authorName
            self.authorEmail = authorEmail
            self.authorTime = authorTime
            self.committerName = committerName
            self.committerEmail = committerEmail
            self.committerTime = committerTime
            self.message = message
        }
    }

    /// What scanning found in a pushed file: where and what kind, never the values.
    public struct ScanFindingRecord: Sendable, Codable, Equatable {
        public var path: String
        /// The identifier kind or category (`email`, `iban`, …).
        public var kind: String
        public var count: Int

        public init(path: String, kind: String, count: Int) {
            self.path = path
            self.kind = kind
            self.count = count
        }
    }

    /// Most `wants` recorded on one event; `wantsTotal` keeps the real count.
    public static let wantsLimit = 1_000

    public var service: Service
    /// See `Operation`.
    public var operation: String
    /// The repository path under the connection, e.g. `team/app.git`.
    public var repository: String
    /// The Git protocol version the client spoke (0, 1 or 2).
    public var protocolVersion: Int
    /// Object IDs the client asked for (fetch), at most `wantsLimit`.
    public var wants: [String]
    public var wantsTotal: Int
    /// How many refs the upstream advertised; nil unless an advertisement.
    public var refsAdvertised: Int?
    public var refUpdates: [RefUpdateRecord]
    public var commits: [CommitRecord]
    /// See `Decision`.
    public var decision: String
    /// Why refused or held (Gatehouse's wording).
    public var reason: String?
    public var findings: [ScanFindingRecord]
    /// The approval request or grant the request ran under (`apr_…`), when any.
    public var approval: String?
    /// Keyed digests (kind `email`) of the commits' author and committer emails, computed by the
    /// gateway with the masking engine's subject key (`subjectDigest`), as statement subjects
    /// are: sealed in the entry, and indexed so an access request finds the person's commits.
    public var subjects: [SubjectReference]?

    public init(service: Service, operation: String, repository: String, protocolVersion: Int = 0, wants: [String] = [],
                wantsTotal: Int? = nil, refsAdvertised: Int? = nil, refUpdates: [RefUpdateRecord] = [], commits: [CommitRecord] = [],
                decision: String = Decision.allowed, reason: String? = nil, findings: [ScanFindingRecord] = [], approval: String? = nil,
                subjects: [SubjectReference]? = nil) {
        self.service = service
        self.operation = operation
        self.repository = repository
        self.protocolVersion = protocolVersion
        self.wants = Array(wants.prefix(Self.wantsLimit))
        self.wantsTotal = wantsTotal ?? wants.count
        self.refsAdvertised = refsAdvertised
        self.refUpdates = refUpdates
        self.commits = commits
        self.decision = decision
        self.reason = reason
        self.findings = findings
        self.approval = approval
        self.subjects = subjects
    }

    /// The distinct author and committer emails of the commits, in order of appearance: what the
    /// gateway digests into `subjects` (kind `email`).
    public var commitEmails: [String] {
        var seen: Set<String> = []
        return commits.flatMap { [$0.authorEmail, $0.committerEmail] }.filter { seen.insert($0).inserted }
    }

    /// Records the wants, at most `wantsLimit` of them, and their real count.
    public mutating func setWants(_ wants: [String]) {
        self.wants = Array(wants.prefix(Self.wantsLimit))
        wantsTotal = wants.count
    }
}
