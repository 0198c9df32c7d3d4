import Foundation
import Testing

@testable import GatehouseGit

@Suite struct PackLargeHistoryTests {
    @Test func thousandCommitsParseAndMatchGit() throws {
        let repository = try PackFixtures.longHistory(commits: 1000)
        let bytes = try repository.pack(revisions: ["HEAD"])
        let started = Date()
        let pack = try PackParser.parse(bytes)
        let seconds = Date().timeIntervalSince(started)
        let inflated = pack.objects.reduce(0) { $0 + $1.entrySize }
        print("PackParser: \(bytes.count) packed bytes (\(inflated) inflated, \(pack.objects.count) objects) in \(String(format: "%.3f", seconds)) s = \(String(format: "%.1f", Double(bytes.count) / seconds / 1e6)) MB/s packed, \(String(format: "%.1f", Double(inflated) / seconds / 1e6)) MB/s inflated")

        #expect(pack.commits.count == 1000)
        #expect(pack.unresolvedObjects.isEmpty)
        let verified = try repository.verify(pack: bytes)
        #expect(Set(pack.objects.compactMap { $0.id?.hex }) == Set(verified.map(\.id)))
        let logged = try repository.text("log", "--format=%H %P").split(separator: "\n")
        let commits = Dictionary(uniqueKeysWithValues: pack.commits.map { ($0.id.hex, $0) })
        for line in logged {
            let ids = line.split(separator: " ").map(String.init)
            #expect(commits[ids[0]]?.parents.map(\.hex) == Array(ids.dropFirst()))
        }
        let head = try #require(commits[String(logged[0].split(separator: " ")[0])])
        #expect(head.message == "Commit number 1000\n")
        #expect(head.author.time == Date(timeIntervalSince1970: 1_700_001_000))
    }
}
