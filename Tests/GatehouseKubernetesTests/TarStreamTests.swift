import Foundation
import Testing
@testable import GatehouseKubernetes

/// The tar reader and writer against the real GNU tar and busybox tar installed here: archives
/// they write are read back entry by entry, in pieces of every size, and archives the writer
/// makes are listed and extracted by them. (A fuller driver with pax/GNU fixtures from Python's
/// tarfile and mutation checks was run when the reader was written; these keep the essentials.)
@Suite struct TarStreamTests {
    static let longName = String(repeating: "n", count: 150) + ".txt"
    static let deepPath = (0..<5).map { _ in String(repeating: "d", count: 45) }.joined(separator: "/") + "/file.txt"
    static let files: [String: [UInt8]] = [
        "t/empty.txt": [], "t/block.txt": Array(repeating: UInt8(ascii: "a"), count: 512),
        "t/block-and-one.txt": Array(repeating: UInt8(ascii: "b"), count: 513),
        "t/Zoë/naïve.txt": Array("accents\n".utf8), "t/" + longName: Array("long\n".utf8), "t/" + deepPath: Array("deep\n".utf8),
        "t/big.bin": (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) },
    ]
    static let formats: [[String]] = [["tar", "--format=gnu"], ["tar", "--format=posix"], ["busybox", "tar"]]

    static func tree() throws -> String {
        let root = try TarFixtures.tree(files)
        try FileManager.default.createSymbolicLink(atPath: root + "/t/link", withDestinationPath: String(repeating: "l", count: 120))
        return root
    }

    /// The entries and each file's content, reading `archive` in pieces of `piece` bytes.
    static func read(_ archive: [UInt8], piece: Int) throws -> [(entry: TarEntry, content: [UInt8])] {
        var reader = TarStreamReader()
        var entries: [(entry: TarEntry, content: [UInt8])] = []
        var ended = false
        for start in stride(from: 0, to: archive.count, by: piece) {
            for event in try reader.feed(archive[start..<min(start + piece, archive.count)]) {
                switch event {
                case .entry(let entry): entries.append((entry, []))
                case .content(let bytes): entries[entries.count - 1].content += bytes
                case .entryEnd: #expect(entries.last.map { $0.content.count == $0.entry.size } == true)
                case .archiveEnd: ended = true
                }
            }
        }
        try reader.finish()
        #expect(ended)
        return entries
    }

    @Test(arguments: formats, [1, 7, 511, 512, 513, 4096, 1 << 30])
    func archivesOfRealTarsReadBackAsTheirFiles(tar: [String], piece: Int) throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try TarFixtures.run(tar + ["-cf", "-", "t"], in: root)
        let entries = try Self.read(archive, piece: piece)
        // Names as tar itself lists them; contents as on disk.
        let listed = String(decoding: try TarFixtures.run(["tar", "tf", "-"], input: archive), as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(entries.map { $0.entry.kind == .directory && !$0.entry.name.hasSuffix("/") ? $0.entry.name + "/" : $0.entry.name } == listed)
        for (path, content) in Self.files {
            let found = try #require(entries.first { $0.entry.name == path }, "\(path)")
            #expect(found.entry.kind == .file && found.content == content, "\(path)")
        }
        let link = try #require(entries.first { $0.entry.name == "t/link" })
        #expect(link.entry.kind == .symlink && link.entry.linkName == String(repeating: "l", count: 120))
    }

    @Test(arguments: [["tar"], ["busybox", "tar"]])
    func archivesTheWriterMakesAreExtractedByRealTarsAsTheOriginals(tar: [String]) throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var rewritten: [UInt8] = []
        for (entry, content) in try Self.read(try TarFixtures.run(["tar", "--format=gnu", "-cf", "-", "t"], in: root), piece: 4096) {
            rewritten += TarWriter.header(for: entry) + content + TarWriter.padding(afterContentOf: content.count)
        }
        rewritten += TarWriter.end
        let target = root + "/out"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        _ = try TarFixtures.run(tar + ["xf", "-"], input: rewritten, in: target)
        for (path, content) in Self.files {
            #expect(FileManager.default.contents(atPath: target + "/" + path).map { [UInt8]($0) } == content, "\(path)")
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: target + "/t/link") == String(repeating: "l", count: 120))
    }

    @Test func damagedArchivesAreRefusedWithTheReason() throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try TarFixtures.run(["tar", "--format=ustar", "-cf", "-", "t/block.txt"], in: root)
        var checksum = archive
        checksum[148] = checksum[148] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        var reader = TarStreamReader()
        #expect(throws: TarStreamError.self) { _ = try reader.feed(checksum) }
        var cut = TarStreamReader()
        _ = try cut.feed(archive.prefix(700))
        #expect(throws: TarStreamError.self) { try cut.finish() }
        var trailing = TarStreamReader()
        #expect(throws: TarStreamError.self) { _ = try trailing.feed(archive + Array("junk".utf8) + [UInt8](repeating: 0, count: 508)) }
    }
}
