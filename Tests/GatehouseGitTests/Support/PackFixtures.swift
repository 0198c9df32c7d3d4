import Foundation

@testable import GatehouseGit

/// Repositories shaped to make git produce the pack features under test.
enum PackFixtures {
    /// A 300-line file is edited in each of five commits, so git stores later versions as
    /// deltas; a nested directory and a second file give the tree walk something to find.
    static func editedHistory() throws -> PackGitRepository {
        let repository = try PackGitRepository()
        var lines = (0..<300).map { "line \($0): the quick brown fox jumps over the lazy dog" }
        try repository.commit("Initial import\n\nWith a body.", files: ["src/app/main.txt": lines.joined(separator: "\n"), "README": "hello\n"])
        for round in 1...5 {
            lines[round * 40] = "edited in round \(round): contact jane.doe\(round)@example.com"
            try repository.commit("Edit round \(round)", files: ["src/app/main.txt": lines.joined(separator: "\n")])
        }
        return repository
    }

    /// `editedHistory()` packed the way a push of HEAD would be, and parsed.
    static func editedHistoryPack(options: [String] = ["--delta-base-offset"]) throws -> (repository: PackGitRepository, bytes: [UInt8], pack: ParsedPack) {
        let repository = try editedHistory()
        let bytes = try repository.pack(revisions: ["HEAD"], options: options)
        return (repository, bytes, try PackParser.parse(bytes))
    }

    /// `count` commits written through `git fast-import`, each changing one of a few files.
    static func longHistory(commits count: Int) throws -> PackGitRepository {
        let repository = try PackGitRepository()
        var script = ""
        for number in 1...count {
            let body = (0..<40).map { "file \(number % 7) line \($0) version \(number / 7)" }.joined(separator: "\n") + "\n"
            let message = "Commit number \(number)\n"
            script += "commit refs/heads/main\nmark :\(number)\n"
            script += "author Ada Lovelace <ada@example.com> \(1_700_000_000 + number) +0000\n"
            script += "committer Ada Lovelace <ada@example.com> \(1_700_000_000 + number) +0000\n"
            script += "data \(message.utf8.count)\n\(message)"
            if number > 1 { script += "from :\(number - 1)\n" }
            script += "M 100644 inline dir\(number % 3)/file\(number % 7).txt\ndata \(body.utf8.count)\n\(body)\n"
        }
        try repository.git(["fast-import", "--quiet"], input: Data(script.utf8))
        return repository
    }
}
