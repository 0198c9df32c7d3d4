import Foundation
import Testing

@testable import GatehouseGit

@Suite struct PackCommitTests {
    private let id = GitObjectID(hex: String(repeating: "ab", count: 20))!

    @Test func multiLineHeadersAndEncodingAreHandled() throws {
        let text = """
            tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904
            parent 1111111111111111111111111111111111111111
            parent 2222222222222222222222222222222222222222
            author Jane Q. Doe <jane@example.com> 1700000000 +0100
            committer Bot <> 1700000100 -0000
            encoding ISO-8859-1
            gpgsig -----BEGIN PGP SIGNATURE-----
             author Mallory <mallory@evil.example> 1 +0000
             -----END PGP SIGNATURE-----
            x-unknown-header whatever

            Merge things

            Body line.

            """
        let commit = try GitCommit(id: id, content: Array(text.utf8))
        #expect(commit.parents.map(\.hex) == [String(repeating: "1", count: 40), String(repeating: "2", count: 40)])
        #expect(commit.author == GitSignature(name: "Jane Q. Doe", email: "jane@example.com", time: Date(timeIntervalSince1970: 1_700_000_000), timezone: "+0100"))
        #expect(commit.committer.email == "" && commit.committer.name == "Bot")
        #expect(commit.encoding == "ISO-8859-1")
        #expect(commit.message == "Merge things\n\nBody line.\n")
    }

    @Test func missingOrBrokenHeadersAreRejected() {
        let broken = [
            "author A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n\nno tree\n",
            "tree nothex\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n\nm\n",
            "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A a@b 1 +0000\ncommitter A <a@b> 1 +0000\n\nm\n",
            "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@b> 1 +0000\n\nm\n",
        ]
        for text in broken {
            #expect(throws: GitCommit.Malformed.self) { try GitCommit(id: id, content: Array(text.utf8)) }
        }
    }

    @Test func treeEntriesParseAndTruncationIsRejected() throws {
        let blob = GitObjectID(hex: String(repeating: "cd", count: 20))!
        let content = Array("100644 a.txt\0".utf8) + blob.bytes + Array("40000 dir\0".utf8) + id.bytes
        let tree = try GitTree(content: content)
        #expect(tree.entries.map(\.name) == ["a.txt", "dir"])
        #expect(tree.entries[0].isBlob && tree.entries[1].isTree && tree.entries[1].id == id)
        #expect(throws: GitTree.Malformed.self) { try GitTree(content: Array(content.dropLast())) }
    }
}
