import Foundation
import Testing

@testable import GatehouseGit

@Suite struct FastForwardTests {
    func id(_ digit: Character) -> GitObjectID { GitObjectID(hex: String(repeating: digit, count: 40))! }

    func commit(_ own: Character, parents: [Character]) throws -> GitCommit {
        let text = "tree \(id("e").hex)\n" + parents.map { "parent \(id($0).hex)\n" }.joined()
            + "author A <a@example.invalid> 1700000000 +0000\ncommitter A <a@example.invalid> 1700000000 +0000\n\nm\n"
        return try GitCommit(id: id(own), content: Array(text.utf8))
    }

    @Test func aNewTipThatLeadsBackToTheOldOneIsAFastForward() throws {
        let pushed = [try commit("b", parents: ["a"]), try commit("c", parents: ["b"]), try commit("d", parents: ["c", "9"])]
        #expect(FastForward(pushedCommits: pushed).isProvable(from: id("a"), to: id("d")))
        #expect(FastForward(pushedCommits: pushed).isProvable(from: id("9"), to: id("d")))
        #expect(!FastForward(pushedCommits: pushed).isProvable(from: id("8"), to: id("d")))  // rewritten history
        #expect(!FastForward(pushedCommits: pushed).isProvable(from: id("a"), to: id("7")))  // a tip the pack does not carry
        #expect(!FastForward(pushedCommits: pushed).isProvable(from: .zero, to: id("d")))
    }
}

@Suite struct GzipBodyTests {
    /// Real gzip output from the system's gzip, as git clients send upload-pack bodies.
    func gzip(_ data: Data) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        process.arguments = ["-c"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(compressed)
    }

    @Test func gzipBodiesInflateWithinTheLimit() throws {
        let text = Data(String(repeating: "0032want 0123456789012345678901234567890123456789\n", count: 2000).utf8)
        let compressed = try gzip(text)
        let inflated = try GzipBody.decompress(compressed, limit: 1 << 20)
        #expect(inflated == Array(text))
        #expect(throws: GzipBody.Failure.self) { try GzipBody.decompress(compressed, limit: 1000) }
        #expect(throws: GzipBody.Failure.self) { try GzipBody.decompress(Array(compressed.dropLast(12)), limit: 1 << 20) }
        #expect(throws: GzipBody.Failure.self) { try GzipBody.decompress([0x1f, 0x8b, 0, 1, 2], limit: 1 << 20) }
    }
}
