import Foundation
import GatehouseCore
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// `LedgerGitCommits`: pushes recorded through the recorder, read back by repository and
/// connection, with authorship hidden once the session is erased but IDs, refs and approval kept.
@Suite struct LedgerGitCommitsTests {
    let fixture = RecorderFixture()

    static let base = String(repeating: "0a", count: 20)
    static func commit(_ id: Character, parents: [String], author: String, email: String, message: String) -> GitActivity.CommitRecord {
        GitActivity.CommitRecord(id: String(repeating: id, count: 40), tree: String(repeating: "e", count: 40), parents: parents,
                                 authorName: author, authorEmail: email, authorTime: SampleEvents.time, committerName: "Gatehouse Agent",
                                 committerEmail: "agent@example.com", committerTime: SampleEvents.time, message: message)
    }
    static let first = commit("1", parents: [base], author: "Zoë Quartermain", email: "zoe@example.com", message: "Fix rounding\n")
    static let second = commit("2", parents: [first.id], author: "Alice", email: "alice@example.com", message: "Add test\n")
    static let other = commit("3", parents: [base], author: "Bob", email: "bob@example.com", message: "Docs\n")

    static func push(session: String, connection: String = "forge", repository: String, commits: [GitActivity.CommitRecord],
                     ref: String = "refs/heads/main", decision: String = GitActivity.Decision.allowed,
                     approval: String? = nil) -> GatehouseEvent {
        var activity = GitActivity(service: .receivePack, operation: GitActivity.Operation.push, repository: repository,
                                   refUpdates: [.init(ref: ref, old: base, new: commits.last!.id, kind: "update")],
                                   commits: commits, decision: decision, approval: approval)
        activity.subjects = activity.commitEmails.map { SubjectReference(kind: "email", digest: "digest-of-" + $0) }
        return GatehouseEvent(time: SampleEvents.time, sessionID: session, connection: connection, principal: SampleEvents.principal,
                              payload: .git(activity))
    }

    static func fetch(session: String) -> GatehouseEvent {
        GatehouseEvent(time: SampleEvents.time, sessionID: session, connection: "forge", principal: SampleEvents.principal,
                       payload: .git(GitActivity(service: .uploadPack, operation: GitActivity.Operation.fetch,
                                                 repository: "team/app.git", protocolVersion: 2, wants: [base])))
    }

    @Test func allowedPushesAreListedPerCommitWithRefsPrincipalAndApproval() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record([
            Self.fetch(session: "g1"),
            Self.push(session: "g1", repository: "team/app.git", commits: [Self.first, Self.second], approval: "apr_00000000000000aa"),
            Self.push(session: "g2", repository: "team/app.git", commits: [Self.other], decision: GitActivity.Decision.refused),
            Self.push(session: "g3", connection: "forge2", repository: "team/lib.git", commits: [Self.other], ref: "refs/heads/docs"),
        ])
        let reader = LedgerGitCommits(store: recorder.store, masterKey: fixture.masterKey)
        let all = try reader.commits(repository: nil, connection: nil)
        #expect(all.map(\.commit.id) == [Self.first.id, Self.second.id, Self.other.id])
        #expect(all.map(\.index) == [1, 1, 3])

        let app = try reader.commits(repository: "team/app.git", connection: nil)
        #expect(app.count == 2)
        #expect(app.allSatisfy { $0.approval == "apr_00000000000000aa" && $0.refs == ["refs/heads/main"] && !$0.erased })
        #expect(app.allSatisfy { $0.principal?.agentApplication == "claude-code" && $0.sessionID == "g1" && $0.connection == "forge" })
        #expect(app[0].commit.author?.name == "Zoë Quartermain" && app[0].commit.author?.email == "zoe@example.com")
        #expect(app[0].commit.committer?.email == "agent@example.com")
        #expect(app[0].commit.message == "Fix rounding\n" && app[0].commit.parents == [Self.base])
        #expect(app[1].commit.parents == [Self.first.id])

        let onForge2 = try reader.commits(repository: nil, connection: "forge2")
        #expect(onForge2.map(\.repository) == ["team/lib.git"] && onForge2[0].refs == ["refs/heads/docs"])
        let none = try reader.commits(repository: "team/app.git", connection: "forge2")
        #expect(none.isEmpty)
    }

    @Test func authorEmailsAreIndexedAsSubjects() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record([Self.fetch(session: "g1"), Self.push(session: "g1", repository: "team/app.git", commits: [Self.first])])
        let hits = try recorder.store.subjects(digest: "digest-of-zoe@example.com")
        #expect(hits == [LedgerSubjectHit(kind: "email", index: 1)])
        let access = LedgerSubjectAccess(store: recorder.store, masterKey: fixture.masterKey)
        let sessions = try access.sessions(touching: ["digest-of-zoe@example.com"])
        #expect(sessions.map(\.sessionID) == ["g1"] && sessions[0].accesses.map(\.entryKind) == ["git"])
    }

    @Test func erasureKeepsIDsRefsAndApprovalButHidesAuthorsAndMessages() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record([
            Self.push(session: "g1", repository: "team/app.git", commits: [Self.first, Self.second], approval: "apr_00000000000000aa"),
            Self.push(session: "g2", repository: "team/app.git", commits: [Self.other]),
        ])
        _ = try await LedgerErasure(recorder: recorder).erase(sessions: ["g1"], scope: "subject", reason: "DSAR", requestedBy: "dpo")
        let commits = try LedgerGitCommits(store: recorder.store, masterKey: fixture.masterKey).commits(repository: "team/app.git",
                                                                                                        connection: nil)
        #expect(commits.map(\.commit.id) == [Self.first.id, Self.second.id, Self.other.id])
        let erased = commits.filter(\.erased)
        #expect(erased.count == 2)
        #expect(erased.allSatisfy { $0.commit.author == nil && $0.commit.committer == nil && $0.commit.message == nil })
        #expect(erased.allSatisfy { $0.approval == "apr_00000000000000aa" && $0.refs == ["refs/heads/main"] })
        #expect(erased.allSatisfy { $0.principal == SampleEvents.principal && $0.commit.tree == String(repeating: "e", count: 40) })
        #expect(erased[1].commit.parents == [Self.first.id])
        #expect(!commits[2].erased && commits[2].commit.author?.name == "Bob")
    }

    @Test func theTimelineSaysWhatWasPushed() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record([
            Self.fetch(session: "g1"),
            Self.push(session: "g1", repository: "team/app.git", commits: [Self.first, Self.second], approval: "apr_00000000000000aa"),
        ])
        let browser = LedgerBrowser(store: recorder.store, masterKey: fixture.masterKey, verifier: nil)
        let timeline = try browser.timeline(sessionID: "g1")
        let entries = timeline?.entries ?? []
        #expect(entries.map(\.headline) == ["git fetch team/app.git: 1 want — allowed",
                                            "git push team/app.git: 1 ref, 2 commits — allowed"])
        let details = entries.last?.details.map { "\($0.label): \($0.value)" } ?? []
        #expect(details.contains("approval: apr_00000000000000aa"))
        #expect(details.contains("commit: 111111111111 by Zoë Quartermain <zoe@example.com>: Fix rounding"))

        _ = try await LedgerErasure(recorder: recorder).erase(sessions: ["g1"], scope: "session", reason: nil, requestedBy: nil)
        let erased = try browser.timeline(sessionID: "g1")?.entries.last?.details.map { "\($0.label): \($0.value)" } ?? []
        #expect(erased.contains("commit: 111111111111 (author and message erased)"))
        #expect(!erased.joined().contains("Zoë"))
    }
}
