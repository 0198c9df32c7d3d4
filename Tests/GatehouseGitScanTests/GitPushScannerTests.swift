import Foundation
import GatehouseGit
import GatehouseMasking
import Testing

@testable import GatehouseGitScan

@Suite struct GitPushScannerTests {
    let scanner = GitPushScanner(detectors: DetectorSet())

    static let plantedValues = [
        "jane.doe@example.com", "john.smith@example.org", "max.mustermann@example.net",
        "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32",
    ]

    /// Everything a push of the repository's whole history would send, parsed.
    func pushOf(_ repository: ScanGitRepository, revisions: [String] = ["HEAD"], options: [String] = ["--delta-base-offset"]) throws -> ParsedPack {
        try PackParser.parse(try repository.pack(revisions: revisions, options: options))
    }

    func counts(_ report: GitPushScanReport, path: String) -> [String: Int] {
        report.findings.filter { $0.path == path }.reduce(into: [:]) { $0[$1.name, default: 0] += $1.count }
    }

    func expectNoValues(_ report: GitPushScanReport, _ values: [String]) {
        let texts = [report.rejectionReason ?? "", report.explanation ?? "", String(describing: report)]
        for text in texts {
            for value in values {
                #expect(!text.contains(value))
                #expect(!text.contains(value.replacingOccurrences(of: " ", with: "")))
            }
        }
    }

    @Test func plantedIdentifiersAreReportedByFileAndKindWithoutTheirValues() throws {
        let repository = try ScanGitRepository()
        let csv = """
        id,name,email,card,iban
        1,Jane Doe,jane.doe@example.com,4111 1111 1111 1111,GB82 WEST 1234 5698 7654 32
        2,John Smith,john.smith@example.org,,
        3,Max Mustermann,max.mustermann@example.net,,

        """
        try repository.commit("Add users", files: ["config/users.csv": csv, "README.md": "Nothing personal here.\n"])
        let pack = try pushOf(repository)
        let report = scanner.scan(pack)

        #expect(counts(report, path: "config/users.csv") == ["email": 3, "payment-card": 1, "iban": 1])
        #expect(Set(report.findings.map(\.path)) == ["config/users.csv"])
        let blobID = try repository.blobID("HEAD", "config/users.csv")
        #expect(report.findings.allSatisfy { $0.objectID?.hex == blobID })
        #expect(report.scannedBlobs == 2)
        #expect(report.scannedCommitMessages == 1)
        #expect(report.skippedBinary.isEmpty)
        #expect(report.isComplete)
        #expect(report.rejectionReason == "personal data in 1 file: config/users.csv (email ×3, iban, payment-card)")
        let explanation = report.explanation ?? ""
        #expect(explanation.contains("config/users.csv: email ×3, iban, payment-card"))
        #expect(explanation.contains("exception"))
        expectNoValues(report, Self.plantedValues)
    }

    @Test func lookalikesThatFailValidationAreNotFindings() throws {
        let repository = try ScanGitRepository()
        let csv = """
        id,name,contact,card,iban
        1,Jane Doe,jane at example dot com,4111 1111 1111 1112,GB82 WEST 1234 5698 7654 33
        2,John Smith,john(at)example(dot)org,4111-1111-1111-1112,GB00 WEST 1234 5698 7654 32

        """
        try repository.commit("Add fake users", files: ["config/users.csv": csv])
        let report = scanner.scan(try pushOf(repository))
        #expect(report.findings.isEmpty)
        #expect(report.isClean)
        #expect(report.rejectionReason == nil)
        #expect(report.explanation == nil)
        #expect(report.scannedBlobs == 1)
    }

    @Test func anEditPushedAsAThinDeltaIsCaughtThroughItsInsertsOnly() throws {
        let repository = try ScanGitRepository()
        var lines = (0..<400).map { "record \($0): the quick brown fox jumps over the lazy dog, again and again" }
        // Already in the repository before this push: not this push's doing, not reported.
        lines[10] = "owner: old.owner@example.com"
        try repository.commit("Import data", files: ["data/big.txt": lines.joined(separator: "\n") + "\n"])
        let oldBlob = try repository.blobID("HEAD", "data/big.txt")
        // A new line longer than one insert instruction (127 bytes), so some emails straddle chunks.
        let added = (1...5).map { "contact person number \($0) at new.person\($0)@example.com" }.joined(separator: "; ")
        #expect(added.utf8.count > 254)
        lines[200] = added
        try repository.commit("Update one line", files: ["data/big.txt": lines.joined(separator: "\n") + "\n"])

        let pack = try pushOf(repository, revisions: ["HEAD", "^HEAD~1"], options: ["--thin", "--delta-base-offset"])
        let unresolved = pack.unresolvedObjects
        #expect(!unresolved.isEmpty, "git should send the edit as a delta against the blob the server has")
        #expect(pack.deltaInserts.contains { $0.baseID?.hex == oldBlob && $0.resultID == nil })

        let report = scanner.scan(pack)
        #expect(report.findings.count == 1)
        let finding = try #require(report.findings.first)
        #expect(finding.kind == .email)
        #expect(finding.count == 5)
        #expect(finding.path == "<delta against \(oldBlob)>")
        #expect(finding.objectID == nil)
        #expect(finding.source == .deltaInserts)
        let explanation = report.explanation ?? ""
        #expect(explanation.contains("  <delta against \(oldBlob)>: email ×5"))
        #expect(explanation.contains("an edit of the file"))
        #expect(report.scannedDeltas >= 1)
        #expect(report.scannedBytes < 2_000, "only the inserts are read, not the 30 KB file")
        expectNoValues(report, ["new.person1@example.com", "old.owner@example.com"])
    }

    @Test func aResolvedDeltaIsScannedByItsInsertsNotItsWholeContent() throws {
        let repository = try ScanGitRepository()
        var lines = (0..<400).map { "record \($0): the quick brown fox jumps over the lazy dog, again and again" }
        lines[10] = "owner: old.owner@example.com"
        try repository.commit("Import data", files: ["data/big.txt": lines.joined(separator: "\n") + "\n"])
        lines[200] = "new contact: new.person@example.com"
        try repository.commit("Update one line", files: ["data/big.txt": lines.joined(separator: "\n") + "\n"])
        // Both versions in one pack, so the delta resolves: whichever version git stores whole is
        // scanned whole, the other only by what its delta inserts.
        let report = scanner.scan(try pushOf(repository))
        let emails = report.findings.filter { $0.kind == .email }.reduce(0) { $0 + $1.count }
        #expect(emails == 2, "the whole blob has both emails, its delta at most one inserted line: \(report.findings)")
        #expect(report.scannedDeltas == 1)
    }

    @Test func binaryContentIsSkippedAndReported() throws {
        let repository = try ScanGitRepository()
        var bytes = Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01])
        bytes.append(Data("embedded jane.doe@example.com 4111 1111 1111 1111".utf8))
        try repository.commit("Add logo", data: ["assets/logo.png": bytes, "notes.txt": Data("plain text\n".utf8)])
        let report = scanner.scan(try pushOf(repository))
        #expect(report.skippedBinary == ["assets/logo.png"])
        #expect(report.findings.isEmpty)
        #expect(report.scannedBlobs == 1)
    }

    @Test func aCommitMessageWithAnEmailIsCaught() throws {
        let repository = try ScanGitRepository()
        try repository.commit("Fix bug reported by jane.doe@example.com", files: ["a.txt": "fixed\n"])
        let commit = try repository.head()
        let report = scanner.scan(try pushOf(repository))
        #expect(report.findings.map(\.path) == ["commit \(commit) message"])
        #expect(report.findings.first?.kind == .email)
        #expect(report.findings.first?.objectID?.hex == commit)
        #expect(report.findings.first?.source == .commitMessage)
        #expect(report.rejectionReason == "personal data in 1 place: commit \(commit) message (email)")
        expectNoValues(report, ["jane.doe@example.com"])
    }

    @Test func customPatternsConfiguredForMaskingAreFoundToo() throws {
        let detectors = DetectorSet(customPatterns: [try CustomPattern(name: "employee-id", regex: "EMP-[0-9]{6}")])
        let repository = try ScanGitRepository()
        try repository.commit("Add staff", files: ["staff.txt": "EMP-123456 and EMP-654321\n"])
        let report = GitPushScanner(detectors: detectors).scan(try pushOf(repository))
        #expect(counts(report, path: "staff.txt") == ["employee-id": 2])
        #expect(report.findings.first?.kind == .custom)
    }

    @Test func limitsTruncateAndAreReported() throws {
        let repository = try ScanGitRepository()
        let text = String(repeating: "harmless filler text\n", count: 100) + "late.email@example.com\n"
        // Unlike contents, so git stores both whole rather than one as a delta of the other.
        let other = String(repeating: "9 unrelated words, quite different; ", count: 60) + "\nother.email@example.com\n"
        try repository.commit("Add", files: ["one.txt": text, "two.txt": other])
        let pack = try pushOf(repository)

        let perObject = GitPushScanner(detectors: DetectorSet(), limits: .init(maxBytesPerObject: 1_000)).scan(pack)
        #expect(Set(perObject.truncatedPaths) == ["one.txt", "two.txt"])
        #expect(!perObject.reachedTotalLimit)
        #expect(!perObject.isComplete)
        #expect(perObject.findings.isEmpty)

        let budget = max(text.utf8.count, other.utf8.count) + 10
        let total = GitPushScanner(detectors: DetectorSet(), limits: .init(maxTotalBytes: budget)).scan(pack)
        #expect(total.reachedTotalLimit)
        #expect(total.scannedBytes == budget)
        #expect(total.unscannedObjects == 1, "the commit message, read last")
        #expect(!total.isComplete)
    }

    @Test func rejectionReasonStaysShortAndPrintable() {
        var report = GitPushScanReport()
        for index in 0..<30 {
            report.findings.append(.init(path: "some/rather/long/directory/name/file-\(index).csv", objectID: nil,
                                         kind: .email, name: "email", count: index + 1, source: .blob))
        }
        report.findings.append(.init(path: "evil\u{1B}[2J\n\u{202E}name.txt", objectID: nil, kind: .iban, name: "iban", count: 1, source: .blob))
        let reason = report.rejectionReason ?? ""
        #expect(reason.utf8.count <= 200)
        #expect(reason.hasPrefix("personal data in 31 files: some/rather/long/directory/name/file-0.csv (email)"))
        #expect(reason.hasSuffix("more"))
        #expect(!reason.unicodeScalars.contains { $0.properties.generalCategory == .control })

        var one = GitPushScanReport()
        one.findings.append(.init(path: "evil\u{1B}[2J\n\u{202E}name.txt", objectID: nil, kind: .iban, name: "iban", count: 1, source: .blob))
        #expect(one.rejectionReason == "personal data in 1 file: evil?[2J??name.txt (iban)")
        let explanation = one.explanation ?? ""
        #expect(!explanation.contains("\u{1B}"))
        #expect(!explanation.contains("\u{202E}"))

        var long = GitPushScanReport()
        long.findings.append(.init(path: String(repeating: "deep/", count: 60) + "x.txt", objectID: nil, kind: .email, name: "email", count: 2, source: .blob))
        let longReason = long.rejectionReason ?? ""
        #expect(longReason.utf8.count <= 200)
        #expect(longReason.hasPrefix("personal data in 1 file: deep/deep/"))
        #expect(longReason.hasSuffix("... (email ×2)"))
    }

    @Test func insertChunksJoinOnlyWhenAdjacent() {
        let data: [UInt8] = Array("AAAA_BBBB__CCCC".utf8)
        let runs = GitPushScanner.runs(of: [data[0..<4], data[5..<9], data[11..<15]])
        #expect(runs.map { String(decoding: $0, as: UTF8.self) } == ["AAAABBBB", "CCCC"])
    }

    @Test func throughput() throws {
        let repository = try ScanGitRepository()
        let words = ["order", "shipped", "invoice", "customer", "total", "pending", "warehouse", "delivery",
                     "the", "of", "and", "status", "2024-05-17", "EUR", "12.50", "ref", "batch", "notes"]
        var seed: UInt64 = 42
        func word() -> String {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return words[Int(seed >> 33) % words.count]
        }
        // Four unrelated 1 MB files (random word order, so git stores each whole), one planted
        // email and card every 50 lines.
        var files: [String: String] = [:]
        var planted = 0
        for file in 0..<4 {
            var text = ""
            var line = 0
            while text.utf8.count < 1 << 20 {
                text += "row \(line): " + (0..<10).map { _ in word() }.joined(separator: " ")
                if line % 50 == 0 {
                    text += " contact user\(line)@example.com card 4111 1111 1111 1111"
                    planted += 1
                }
                text += "\n"
                line += 1
            }
            files["text/file\(file).txt"] = text
        }
        try repository.commit("Bulk", files: files)
        let pack = try pushOf(repository)
        let clock = ContinuousClock()
        var report = GitPushScanReport()
        let elapsed = clock.measure { report = scanner.scan(pack) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let megabytes = Double(report.scannedBytes) / 1_048_576
        print("GitPushScanner throughput: \(String(format: "%.1f", megabytes)) MB in \(String(format: "%.3f", seconds)) s = \(String(format: "%.1f", megabytes / seconds)) MB/s")
        #expect(report.scannedBlobs == 4)
        #expect(report.scannedBytes >= 4 << 20)
        #expect(report.findings.filter { $0.kind == .email }.reduce(0) { $0 + $1.count } == planted)
        #expect(report.findings.filter { $0.kind == .paymentCard }.reduce(0) { $0 + $1.count } == planted)
    }
}
