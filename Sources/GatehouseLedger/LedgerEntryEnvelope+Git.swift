import Foundation
import GatehouseCore

/// The `git` kind's clear payload (docs/evidence.md, "`git`"): everything but the commits'
/// authorship and messages and the email digests, which `SealedFields` holds.
extension LedgerEntryEnvelope {
    /// `GitActivity` without `subjects` and with each commit reduced to `GitCommit`.
    public struct Git: Sendable, Equatable {
        public var service: GitActivity.Service
        public var operation: String
        public var repository: String
        public var protocolVersion: Int
        public var wants: [String]
        public var wantsTotal: Int
        public var refsAdvertised: Int?
        public var refUpdates: [GitActivity.RefUpdateRecord]
        public var commits: [GitCommit]
        public var decision: String
        public var reason: String?
        public var findings: [GitActivity.ScanFindingRecord]
        public var approval: String?

        public init(_ activity: GitActivity) {
            service = activity.service
            operation = activity.operation
            repository = activity.repository
            protocolVersion = activity.protocolVersion
            wants = activity.wants
            wantsTotal = activity.wantsTotal
            refsAdvertised = activity.refsAdvertised
            refUpdates = activity.refUpdates
            commits = activity.commits.map(GitCommit.init)
            decision = activity.decision
            reason = activity.reason
            findings = activity.findings
            approval = activity.approval
        }

        /// The event's activity, given the sealed half of each commit (same order) and the digests.
        func joined(commits people: [SealedFields.CommitPeople], subjects: [SubjectReference]?) -> GitActivity {
            let commits = zip(self.commits, people).map { clear, person in
                GitActivity.CommitRecord(id: clear.id, tree: clear.tree, parents: clear.parents, authorName: person.authorName,
                                   authorEmail: person.authorEmail, authorTime: clear.authorTime, committerName: person.committerName,
                                   committerEmail: person.committerEmail, committerTime: clear.committerTime, message: person.message)
            }
            var activity = GitActivity(service: service, operation: operation, repository: repository, protocolVersion: protocolVersion,
                                       wants: wants, wantsTotal: wantsTotal, refsAdvertised: refsAdvertised, refUpdates: refUpdates,
                                       commits: commits, decision: decision, reason: reason, findings: findings, approval: approval,
                                       subjects: subjects)
            activity.wants = wants  // as recorded, even beyond `wantsLimit`
            return activity
        }
    }

    /// A pushed commit's clear half: its object IDs and times.
    public struct GitCommit: Sendable, Equatable {
        public var id: String
        public var tree: String
        public var parents: [String]
        public var authorTime: Date
        public var committerTime: Date

        public init(id: String, tree: String, parents: [String], authorTime: Date, committerTime: Date) {
            self.id = id
            self.tree = tree
            self.parents = parents
            self.authorTime = authorTime
            self.committerTime = committerTime
        }

        init(_ commit: GitActivity.CommitRecord) {
            self.init(id: commit.id, tree: commit.tree, parents: commit.parents, authorTime: commit.authorTime,
                      committerTime: commit.committerTime)
        }
    }
}

// MARK: Reading

extension LedgerEntryEnvelope {
    static func readGit(_ fields: inout LedgerEntryFields) throws -> Git {
        guard let service = GitActivity.Service(rawValue: try fields.string("service")) else {
            throw LedgerEntryError.invalidValue(fields.path(of: "service"))
        }
        let operation = try fields.string("operation")
        let decision = try readOneOf(GitActivity.Decision.all, "decision", &fields)
        let refUpdates = try fields.objects("refUpdates") { update in
            GitActivity.RefUpdateRecord(ref: try update.string("ref"), old: try update.string("old"), new: try update.string("new"),
                                        kind: try readOneOf(GitActivity.RefUpdateRecord.kinds, "kind", &update))
        }
        let commits = try fields.objects("commits") { commit in
            GitCommit(id: try commit.string("id"), tree: try commit.string("tree"), parents: try readStrings("parents", &commit),
                      authorTime: try readTime("authorTime", &commit), committerTime: try readTime("committerTime", &commit))
        }
        let findings = try fields.objects("findings") { finding in
            GitActivity.ScanFindingRecord(path: try finding.string("path"), kind: try finding.string("kind"), count: try finding.integer("count"))
        }
        var git = Git(GitActivity(service: service, operation: operation, repository: try fields.string("repository"),
                                  protocolVersion: try fields.integer("protocolVersion"), decision: decision))
        git.wants = try readStrings("wants", &fields)
        git.wantsTotal = try fields.integer("wantsTotal")
        git.refsAdvertised = try fields.optionalInteger("refsAdvertised")
        git.refUpdates = refUpdates
        git.commits = commits
        git.reason = try fields.optionalString("reason")
        git.findings = findings
        git.approval = try fields.optionalString("approval")
        return git
    }

    private static func readOneOf(_ values: Set<String>, _ key: String, _ fields: inout LedgerEntryFields) throws -> String {
        let value = try fields.string(key)
        guard values.contains(value) else { throw LedgerEntryError.invalidValue(fields.path(of: key)) }
        return value
    }

    private static func readTime(_ key: String, _ fields: inout LedgerEntryFields) throws -> Date {
        guard let date = UTCTimestamp.date(from: try fields.string(key)) else { throw LedgerEntryError.invalidValue(fields.path(of: key)) }
        return date
    }
}

// MARK: Writing

extension LedgerEntryEnvelope {
    /// The members of a git payload (inside its braces), in key order.
    /// Throws `LedgerEntryError.invalidValue` for a decision or ref update kind the format does
    /// not define: the entry would not read back.
    static func write(_ git: Git, into writer: inout CanonicalJSONWriter) throws {
        guard GitActivity.Decision.all.contains(git.decision) else { throw LedgerEntryError.invalidValue("payload.decision") }
        if let update = git.refUpdates.firstIndex(where: { !GitActivity.RefUpdateRecord.kinds.contains($0.kind) }) {
            throw LedgerEntryError.invalidValue("payload.refUpdates[\(update)].kind")
        }
        if let approval = git.approval {
            writer.key("approval")
            writer.string(approval)
        }
        writer.key("commits")
        writer.beginArray()
        for commit in git.commits { try write(commit, into: &writer) }
        writer.endArray()
        writer.key("decision")
        writer.string(git.decision)
        writer.key("findings")
        writer.beginArray()
        for finding in git.findings {
            writer.beginObject()
            writer.key("count")
            try writer.integer(finding.count)
            writer.key("kind")
            writer.string(finding.kind)
            writer.key("path")
            writer.string(finding.path)
            writer.endObject()
        }
        writer.endArray()
        writer.key("operation")
        writer.string(git.operation)
        writer.key("protocolVersion")
        try writer.integer(git.protocolVersion)
        if let reason = git.reason {
            writer.key("reason")
            writer.string(reason)
        }
        writer.key("refUpdates")
        writer.beginArray()
        for update in git.refUpdates {
            writer.beginObject()
            writer.key("kind")
            writer.string(update.kind)
            writer.key("new")
            writer.string(update.new)
            writer.key("old")
            writer.string(update.old)
            writer.key("ref")
            writer.string(update.ref)
            writer.endObject()
        }
        writer.endArray()
        if let refsAdvertised = git.refsAdvertised {
            writer.key("refsAdvertised")
            try writer.integer(refsAdvertised)
        }
        writer.key("repository")
        writer.string(git.repository)
        writer.key("service")
        writer.string(git.service.rawValue)
        writer.key("wants")
        write(strings: git.wants, into: &writer)
        writer.key("wantsTotal")
        try writer.integer(git.wantsTotal)
    }

    private static func write(_ commit: GitCommit, into writer: inout CanonicalJSONWriter) throws {
        guard let authorTime = UTCTimestamp.string(from: commit.authorTime),
              let committerTime = UTCTimestamp.string(from: commit.committerTime)
        else { throw LedgerEntryError.timeOutOfRange }
        writer.beginObject()
        writer.key("authorTime")
        writer.string(authorTime)
        writer.key("committerTime")
        writer.string(committerTime)
        writer.key("id")
        writer.string(commit.id)
        writer.key("parents")
        write(strings: commit.parents, into: &writer)
        writer.key("tree")
        writer.string(commit.tree)
        writer.endObject()
    }
}
