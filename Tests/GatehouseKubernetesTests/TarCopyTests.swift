import Crypto
import Foundation
import GatehouseMasking
import Testing
@testable import GatehouseKubernetes

/// `kubectl cp` both ways through the pure tar copy masker and scanner, with archives written and
/// read back by the real GNU tar installed here (ground truth), fed in pieces of every size a
/// WebSocket might deliver.
@Suite struct TarCopyTests {
    static let engine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .redact,
                                      pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                                      subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))
    static let contacts = "name,email,iban\nAnna,anna.schmidt@example.com,DE89 3704 0044 0532 0130 00\n"
    static let pieces = [1, 7, 511, 512, 513, 4096, Int.max]

    static func chunks(_ bytes: [UInt8], of size: Int) -> [ArraySlice<UInt8>] {
        stride(from: 0, to: bytes.count, by: min(size, max(bytes.count, 1))).map { bytes[$0..<min($0 + min(size, bytes.count), bytes.count)] }
    }

    @Test(arguments: pieces)
    func copiesOutOfAPodAreMaskedFileByFileAndStillAValidArchive(piece: Int) throws {
        let notes = Array(("Call back anna.schmidt@example.com about the refund.\n" + String(repeating: "filler line\n", count: 100)).utf8)
        let root = try TarFixtures.tree(["app/notes.txt": notes, "app/contacts.csv": Array(Self.contacts.utf8), "app/empty.txt": [],
                                  "app/anna.schmidt@example.com": Array("hi\n".utf8)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try TarFixtures.run(["tar", "cf", "-", "-C", root, "app"])
        var masker = TarCopyMasker(engine: Self.engine)
        var output: [UInt8] = [], hits: [SubjectHit] = []
        for chunk in Self.chunks(archive, of: piece) {
            let step = try masker.feed(chunk)
            output += step.bytes
            hits += step.hits
        }
        try masker.finish()
        #expect(!hits.isEmpty)
        // GNU tar reads the rewritten archive; every file is the masked original.
        let extracted = try TarFixtures.tree([:])
        defer { try? FileManager.default.removeItem(atPath: extracted) }
        try FileManager.default.createDirectory(atPath: extracted, withIntermediateDirectories: true)
        try TarFixtures.run(["tar", "xf", "-", "-C", extracted], input: output)
        for (name, original) in [("notes.txt", notes), ("contacts.csv", Array(Self.contacts.utf8)), ("empty.txt", [])] {
            let copied = try #require(FileManager.default.contents(atPath: extracted + "/app/" + name))
            #expect([UInt8](copied) == (Self.engine.mask(original).output ?? original), "\(name)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: extracted + "/app").sorted()
        #expect(names == ["[EMAIL]", "contacts.csv", "empty.txt", "notes.txt"])
        let all = String(decoding: output, as: UTF8.self)
        #expect(!all.contains("anna.schmidt") && !all.contains("DE89"))
    }

    @Test func whatCannotBeMaskedStopsTheCopyOutOfAPod() throws {
        let root = try TarFixtures.tree(["a.txt": Array("fine\n".utf8), "b.bin": [0, 1, 2] + Array("anna.schmidt@example.com".utf8)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var masker = TarCopyMasker(engine: Self.engine)
        let archive = try TarFixtures.run(["tar", "cf", "-", "-C", root, "a.txt", "b.bin"])
        #expect(throws: TarCopyMasker.Refusal(description: "'b.bin' is a binary file, which Gatehouse cannot mask: the copy was stopped there")) {
            _ = try masker.feed(archive)
        }
        var small = TarCopyMasker(engine: Self.engine, maxFileBytes: 3)
        #expect(throws: TarCopyMasker.Refusal.self) { _ = try small.feed(archive) }
        // Cut off inside a file: nothing of it was written out, and the end is refused.
        let text = try TarFixtures.run(["tar", "cf", "-", "-C", root, "a.txt"])
        var cut = TarCopyMasker(engine: Self.engine)
        let partial = try cut.feed(text.prefix(514))
        #expect(partial.bytes.isEmpty)
        #expect(throws: TarCopyMasker.Refusal.self) { try cut.finish() }
        var notTar = TarCopyMasker(engine: Self.engine)
        #expect(throws: TarCopyMasker.Refusal.self) { _ = try notTar.feed(Array(String(repeating: "not a tar stream\n", count: 64).utf8)) }
    }

    @Test(arguments: pieces)
    func copiesIntoAPodPassCleanEntriesUnchangedAndStopBeforeAFileWithIdentifiers(piece: Int) throws {
        let root = try TarFixtures.tree(["up/a-readme.txt": Array("nothing personal\n".utf8), "up/b-contacts.csv": Array(Self.contacts.utf8),
                                  "up/c-later.txt": Array("after\n".utf8)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try TarFixtures.run(["tar", "cf", "-", "-C", root, "up/a-readme.txt", "up/b-contacts.csv", "up/c-later.txt"])
        var scanner = TarCopyScanner(engine: Self.engine)
        var released: [UInt8] = []
        for chunk in Self.chunks(archive, of: piece) { released += scanner.feed(chunk).release }
        released += scanner.finish().release
        let refusal = scanner.refusal
        #expect(refusal?.findings == [.init(path: "up/b-contacts.csv", kind: "email", count: 1),
                                      .init(path: "up/b-contacts.csv", kind: "iban", count: 1)])
        // What was released is the client's own bytes, up to the clean entry's end, and nothing of the next.
        #expect(Array(archive.prefix(released.count)) == released)
        #expect(released.count >= 512 + 17 && released.count <= 1024)
        // (The pod's tar then reads the end of its input; here the archive is closed for tar to list it.)
        let closed = released + [UInt8](repeating: 0, count: (512 - released.count % 512) % 512) + TarWriter.end
        let listed = String(decoding: try TarFixtures.run(["tar", "tf", "-"], input: closed), as: UTF8.self)
        #expect(listed == "up/a-readme.txt\n")
    }

    @Test(arguments: pieces)
    func aCleanCopyIntoAPodPassesByteForByteBinaryFilesUnread(piece: Int) throws {
        let root = try TarFixtures.tree(["x/config.txt": Array("retries: 3\n".utf8), "x/tool.bin": Array(0...255) + Array("DE89 3704 0044 0532 0130 00".utf8),
                                  "x/" + String(repeating: "long-name-", count: 12) + ".txt": Array("ok\n".utf8)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try TarFixtures.run(["tar", "cf", "-", "-C", root, "x"])
        var scanner = TarCopyScanner(engine: Self.engine)
        var released: [UInt8] = []
        for chunk in Self.chunks(archive, of: piece) { released += scanner.feed(chunk).release }
        released += scanner.finish().release
        #expect(released == archive && scanner.refusal == nil)
        #expect(scanner.skippedBinary == ["x/tool.bin"] && scanner.scannedFiles == 2)
    }

    @Test func aFileNamedAfterSomeoneIsStoppedLikeOneThatHoldsThem() throws {
        let root = try TarFixtures.tree(["up/anna.schmidt@example.com.txt": Array("nothing here\n".utf8)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var scanner = TarCopyScanner(engine: Self.engine)
        let step = scanner.feed(try TarFixtures.run(["tar", "cf", "-", "-C", root, "up"]))
        #expect(step.refusal?.findings.map(\.kind) == ["email"])
        #expect(!String(decoding: step.release, as: UTF8.self).contains("anna.schmidt"))
        #expect(step.refusal.map { !$0.description.contains("anna.schmidt") } == true)
    }

    @Test func aCopyIntoAPodCutOffInsideAFileKeepsThatFile() throws {
        let root = try TarFixtures.tree(["a.txt": Array(String(repeating: "line\n", count: 300).utf8)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try TarFixtures.run(["tar", "cf", "-", "-C", root, "a.txt"])
        var scanner = TarCopyScanner(engine: Self.engine)
        #expect(scanner.feed(archive.prefix(1000)) == TarCopyScanner.Step(release: [], refusal: nil))
        let end = scanner.finish()
        #expect(end.release.isEmpty && end.refusal?.description.hasPrefix("the copy ended inside a file") == true)
    }

    @Test func kubectlCpsTarCommandsAreRecognisedAndNothingElse() {
        func direction(_ command: [String], stdin: Bool = false, tty: Bool = false) -> ExecOptions.CopyDirection? {
            ExecOptions(command: command, stdin: stdin, tty: tty).copyDirection
        }
        #expect(direction(["tar", "cf", "-", "/data/a.csv"]) == .outOfPod)
        #expect(direction(["tar", "-xmf", "-", "-C", "/tmp"], stdin: true) == .intoPod)
        #expect(direction(["/bin/tar", "-cf", "-", "/data"]) == .outOfPod)
        #expect(direction(["tar", "cf", "-", "/data"], tty: true) == nil)
        #expect(direction(["tar", "-xOf", "-"], stdin: true) == nil)  // extracts to stdout: output, masked as text
        #expect(direction(["tar", "tf", "-"], stdin: true) == nil)
        #expect(direction(["sh", "-c", "tar cf - /data"]) == nil)
        #expect(direction(["tar", "--create", "-f", "-", "/data"]) == nil)
    }
}
