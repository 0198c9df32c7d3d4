import Foundation
import Testing

@testable import GatehouseGit

@Suite struct PackParserTests {
    @Test func objectsMatchGitVerifyPack() throws {
        let (repository, bytes, pack) = try PackFixtures.editedHistoryPack()
        let verified = try repository.verify(pack: bytes)

        #expect(pack.version == 2)
        #expect(pack.objects.count == verified.count)
        #expect(pack.unresolvedObjects.isEmpty)
        #expect(pack.objects.contains { if case .offsetDelta = $0.kind { true } else { false } })
        let byOffset = Dictionary(uniqueKeysWithValues: pack.objects.map { ($0.offset, $0) })
        for expected in verified {
            let object = try #require(byOffset[expected.offset])
            #expect(object.id?.hex == expected.id)
            #expect(object.type?.name == expected.type)
            // verify-pack reports a delta's own (instruction) size, not its result's.
            #expect(object.entrySize == expected.size)
            #expect(object.kind.isDelta == (expected.baseID != nil))
        }
    }

    @Test func contentsMatchGitCatFile() throws {
        let (repository, _, pack) = try PackFixtures.editedHistoryPack()
        for object in pack.objects {
            let id = try #require(object.id)
            let expected = [UInt8](try repository.git("cat-file", object.type!.name, id.hex))
            let content = pack.content(of: id)
            #expect(content == expected, "\(id)")
            #expect(object.size == expected.count)
        }
    }

    @Test func commitsMatchGitLog() throws {
        let (repository, _, pack) = try PackFixtures.editedHistoryPack()
        let log = try repository.text("log", "--format=%H %T %P|%an|%ae|%at|%cn|%ce|%ct|%B%x00").split(separator: "\0\n")
        #expect(pack.commits.count == 6)
        #expect(pack.malformedCommits.isEmpty)
        let commits = Dictionary(uniqueKeysWithValues: pack.commits.map { ($0.id.hex, $0) })
        for entry in log {
            let fields = entry.split(separator: "|", maxSplits: 7, omittingEmptySubsequences: false)
            let ids = fields[0].split(separator: " ").map(String.init)
            let commit = try #require(commits[ids[0]])
            #expect(commit.tree.hex == ids[1])
            #expect(commit.parents.map(\.hex) == Array(ids.dropFirst(2)))
            #expect(commit.author.name == "Ada Lovelace" && commit.author.email == fields[2])
            #expect(commit.author.time == Date(timeIntervalSince1970: TimeInterval(fields[3])!))
            #expect(commit.author.timezone == "+0200")
            #expect(commit.committer.name == fields[4] && commit.committer.email == "charles@example.org")
            #expect(commit.committer.timezone == "-0130")
            #expect(commit.message == String(fields[7]).trimmingCharacters(in: .newlines) + "\n")
        }
    }

    @Test func blobPathsMatchGitLsTree() throws {
        let (repository, _, pack) = try PackFixtures.editedHistoryPack()
        let paths = pack.blobPaths()
        for line in try repository.text("ls-tree", "-r", "HEAD").split(separator: "\n") {
            let fields = line.split(separator: "\t")
            let id = try #require(GitObjectID(hex: fields[0].split(separator: " ")[2]))
            #expect(paths[id]?.contains(String(fields[1])) == true)
        }
        let firstVersion = try #require(GitObjectID(hex: try repository.text("rev-parse", "HEAD~5:src/app/main.txt").trimmingCharacters(in: .newlines)))
        #expect(paths[firstVersion] == ["src/app/main.txt"])
    }

    @Test func referenceDeltasResolveWithinThePack() throws {
        let (repository, bytes, pack) = try PackFixtures.editedHistoryPack(options: [])
        let verified = try repository.verify(pack: bytes)
        #expect(pack.objects.contains { if case .referenceDelta = $0.kind { true } else { false } })
        #expect(!pack.objects.contains { if case .offsetDelta = $0.kind { true } else { false } })
        #expect(pack.unresolvedObjects.isEmpty)
        #expect(Set(pack.objects.compactMap { $0.id?.hex }) == Set(verified.map(\.id)))
        #expect(pack.commits.count == 6)
    }

    /// A thin pack's deltas name bases the receiver already has: unresolved, yet their
    /// inserted bytes (the edit) are still there to scan.
    @Test func thinPackLeavesDeltasUnresolvedButExposesInserts() throws {
        let repository = try PackFixtures.editedHistory()
        let pack = try PackParser.parse(try repository.pack(revisions: ["HEAD", "^HEAD~1"], options: ["--thin"]))
        let unresolved = pack.unresolvedObjects
        #expect(!unresolved.isEmpty)
        let previous = try #require(GitObjectID(hex: try repository.text("rev-parse", "HEAD~1:src/app/main.txt").trimmingCharacters(in: .newlines)))
        let inserts = try #require(pack.deltaInserts.first { $0.baseID == previous })
        #expect(inserts.resultID == nil)
        let inserted = String(decoding: inserts.chunks.joined(), as: UTF8.self)
        #expect(inserted.contains("jane.doe5@example.com"))
        #expect(pack.commits.count == 1)
        #expect(pack.commits.first?.message == "Edit round 5\n")
    }

    @Test func resolvedDeltaInsertsNameTheirPaths() throws {
        let (_, _, pack) = try PackFixtures.editedHistoryPack()
        let paths = pack.blobPaths()
        let blobInserts = pack.deltaInserts.filter { pack.objects[$0.objectIndex].type == .blob }
        #expect(!blobInserts.isEmpty)
        for inserts in blobInserts {
            #expect(inserts.resultID != nil && inserts.baseID != nil)
            #expect(pack.paths(of: inserts, blobPaths: paths) == ["src/app/main.txt"])
        }
    }
}
