import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseStore
import Logging

/// `gatehouse audit commits`: every commit pushed through the gateway, with who pushed it, to
/// which ref, under which approval, and (while the session's data key exists) its author.
struct AuditCommitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commits",
        abstract: "List the commits agents pushed through the gateway (git entries of allowed pushes).",
        discussion: """
            One line per commit: its ID, the ref it went to, who pushed it through which agent, \
            when, the approval it ran under, and its author. Authors, committers and messages are \
            sealed in the ledger: once a session's data key is erased they show as erased, while \
            the IDs, refs, principal and approval stay. --export writes the push entries as an \
            evidence bundle.
            """)

    @OptionGroup var options: AuditConfigOption
    @Option(help: "Only this repository (its path under the connection, e.g. team/app.git).")
    var repo: String?
    @Option(help: "Only this Gatehouse connection.")
    var connection: String?
    @Flag(help: "Print JSON instead of text.")
    var json = false
    @Option(help: "Also write the push entries as an evidence bundle to this file.")
    var export: String?
    @Flag(help: "With --export: include the sessions' data keys, so the bundle's sealed fields can be opened (the bundle is then personal data).")
    var includeKeys = false

    func validate() throws {
        if includeKeys && export == nil { throw ValidationError("--include-keys needs --export") }
    }

    func run() throws {
        let configuration = try loadConfiguration(options.config)
        let store = try LedgerSetup.openStore(configuration, logger: Logger(label: "gatehouse.audit"))
        defer { store.close() }
        let reader = LedgerGitCommits(store: store, masterKey: try LedgerSetup.masterKey(configuration))
        let commits = try reader.commits(repository: repo, connection: connection)
        print(json ? Self.json(commits) : Self.text(commits))
        if let export {
            let indexes = Array(Set(commits.map(\.index))).sorted()
            guard !indexes.isEmpty else { throw ValidationFailure("nothing to export: no pushed commit matches") }
            var scope = "git commits"
            if let repo { scope += " of \(repo)" }
            if let connection { scope += " on \(connection)" }
            let summary = try writeEvidenceBundle(configuration: configuration, store: store, indexes: indexes, scope: scope,
                                                  includeKeys: includeKeys, to: export)
            printError(summary)
        }
    }

    static func text(_ commits: [LedgerGitCommits.PushedCommit]) -> String {
        guard !commits.isEmpty else { return "No pushed commit recorded." }
        return commits.map { pushed in
            var line = "\(pushed.commit.id) \(pushed.refs.isEmpty ? "-" : pushed.refs.joined(separator: ","))"
            line += " pushed by \(pushed.principal?.subject ?? "unknown principal")"
            if let agent = pushed.principal?.agentApplication { line += " via \(agent)" }
            line += " at \(UTCTimestamp.string(from: pushed.time) ?? "?")"
            if let approval = pushed.approval { line += " [approval \(approval)]" }
            if let author = pushed.commit.author {
                line += " author \(author.name) <\(author.email)>"
            } else {
                line += pushed.erased ? " author erased" : " author unavailable"
            }
            return line
        }.joined(separator: "\n")
    }

    static func json(_ commits: [LedgerGitCommits.PushedCommit]) -> String {
        func person(_ person: LedgerGitCommits.Person?) -> Any {
            person.map { ["name": $0.name, "email": $0.email] } ?? NSNull()
        }
        let value: [String: Any] = ["commits": commits.map { pushed -> [String: Any] in
            let commit = pushed.commit
            var object: [String: Any] = [
                "index": pushed.index, "time": UTCTimestamp.string(from: pushed.time) ?? "", "session": pushed.sessionID,
                "repository": pushed.repository, "refs": pushed.refs, "erased": pushed.erased,
                "approval": pushed.approval ?? NSNull(), "connection": pushed.connection ?? NSNull(),
                "refUpdates": pushed.refUpdates.map { ["ref": $0.ref, "old": $0.old, "new": $0.new, "kind": $0.kind] },
                "commit": [
                    "id": commit.id, "tree": commit.tree, "parents": commit.parents,
                    "authorTime": UTCTimestamp.string(from: commit.authorTime) ?? "",
                    "committerTime": UTCTimestamp.string(from: commit.committerTime) ?? "",
                    "author": person(commit.author), "committer": person(commit.committer),
                    "message": commit.message ?? NSNull(),
                ] as [String: Any],
            ]
            if let principal = pushed.principal { object["principal"] = AuditJSON.principal(principal) }
            return object
        }]
        return AuditJSON.render(value)
    }
}
