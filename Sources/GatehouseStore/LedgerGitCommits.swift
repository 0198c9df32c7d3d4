import Foundation
import GatehouseCore
import GatehouseLedger

/// Which commits were pushed through the gateway, by whom, to which refs, under which approval:
/// read from the ledger's `git` entries (operation `push`, decision `allowed`). Object IDs, refs,
/// the principal and the approval are clear and always answerable; the commits' authorship and
/// messages are sealed and shown only while the pushing session's data key exists.
public struct LedgerGitCommits {
    public let store: SQLiteLedgerStore
    public let masterKey: MasterKey

    public init(store: SQLiteLedgerStore, masterKey: MasterKey) {
        self.store = store
        self.masterKey = masterKey
    }

    /// A commit's author or committer, as recorded (sealed in the ledger).
    public struct Person: Sendable, Equatable {
        public var name: String
        public var email: String

        public init(name: String, email: String) {
            self.name = name
            self.email = email
        }
    }

    public struct Commit: Sendable, Equatable {
        public var id: String
        public var tree: String
        public var parents: [String]
        public var authorTime: Date
        public var committerTime: Date
        /// nil when the sealed fields cannot be read (see `PushedCommit.erased`).
        public var author: Person?
        public var committer: Person?
        public var message: String?

        public init(id: String, tree: String, parents: [String], authorTime: Date, committerTime: Date, author: Person?,
                    committer: Person?, message: String?) {
            self.id = id
            self.tree = tree
            self.parents = parents
            self.authorTime = authorTime
            self.committerTime = committerTime
            self.author = author
            self.committer = committer
            self.message = message
        }
    }

    public struct PushedCommit: Sendable, Equatable {
        /// The ledger index of the push's entry (one entry holds every commit of a push).
        public var index: UInt64
        public var time: Date
        public var sessionID: String
        public var connection: String?
        public var repository: String
        /// Who pushed: the accountable user, and the agent application it acted through.
        public var principal: Principal?
        /// The refs of the push whose new value is this commit or descends from it within the
        /// push; every ref the push updated when none does (e.g. commits only reachable upstream).
        public var refs: [String]
        /// Every ref update of the push.
        public var refUpdates: [GitActivity.RefUpdateRecord]
        public var commit: Commit
        /// The approval request or grant the push ran under (`apr_…`), when any.
        public var approval: String?
        /// The session's data key is gone: author, committer and message are erased for good.
        public var erased: Bool

        public init(index: UInt64, time: Date, sessionID: String, connection: String?, repository: String, principal: Principal?,
                    refs: [String], refUpdates: [GitActivity.RefUpdateRecord], commit: Commit, approval: String?, erased: Bool) {
            self.index = index
            self.time = time
            self.sessionID = sessionID
            self.connection = connection
            self.repository = repository
            self.principal = principal
            self.refs = refs
            self.refUpdates = refUpdates
            self.commit = commit
            self.approval = approval
            self.erased = erased
        }
    }

    /// The allowed pushes' commits, oldest entry first and in push order within an entry,
    /// optionally only those to `repository` and on `connection`.
    public func commits(repository: String? = nil, connection: String? = nil) throws -> [PushedCommit] {
        var result: [PushedCommit] = []
        var keys: [String: LedgerSessionKey] = [:]
        let marker = Array(#""kind":"git""#.utf8)
        try store.entries(in: 0..<UInt64.max).forEach { stored in
            // Most entries are statements: skip them without parsing.
            guard stored.bytes.firstRange(of: marker) != nil else { return }
            let envelope = try LedgerEntryCodec.decode(stored.bytes)
            guard case .git(let git) = envelope.payload, git.operation == GitActivity.Operation.push,
                  git.decision == GitActivity.Decision.allowed else { return }
            if let repository, git.repository != repository { return }
            if let connection, envelope.connection != connection { return }
            let session = envelope.sessionID
            if keys[session] == nil { keys[session] = try LedgerSessionKey(session: session, in: store, masterKey: masterKey) }
            let key = keys[session]!
            var opened: [GitActivity.CommitRecord] = []
            if case .git(let activity)? = LedgerSessionKey.open(stored.bytes, with: key.key)?.payload { opened = activity.commits }
            let refs = Self.refs(of: git)
            for (position, clear) in git.commits.enumerated() {
                let sealed = position < opened.count ? opened[position] : nil
                let commit = Commit(id: clear.id, tree: clear.tree, parents: clear.parents, authorTime: clear.authorTime,
                                    committerTime: clear.committerTime,
                                    author: sealed.map { Person(name: $0.authorName, email: $0.authorEmail) },
                                    committer: sealed.map { Person(name: $0.committerName, email: $0.committerEmail) },
                                    message: sealed?.message)
                result.append(PushedCommit(index: stored.index, time: envelope.time, sessionID: session, connection: envelope.connection,
                                           repository: git.repository, principal: envelope.principal,
                                           refs: refs[clear.id] ?? git.refUpdates.filter { $0.kind != "delete" }.map(\.ref),
                                           refUpdates: git.refUpdates, commit: commit, approval: git.approval, erased: key.erased))
            }
        }
        return result
    }

    /// For each commit of the push, the refs whose new value reaches it through parents within the push.
    private static func refs(of git: LedgerEntryEnvelope.Git) -> [String: [String]] {
        let parents = Dictionary(git.commits.map { ($0.id, $0.parents) }, uniquingKeysWith: { first, _ in first })
        var refs: [String: [String]] = [:]
        for update in git.refUpdates where update.kind != "delete" {
            var pending = [update.new]
            var seen: Set<String> = []
            while let id = pending.popLast() {
                guard let next = parents[id], seen.insert(id).inserted else { continue }
                refs[id, default: []].append(update.ref)
                pending.append(contentsOf: next)
            }
        }
        return refs
    }
}
