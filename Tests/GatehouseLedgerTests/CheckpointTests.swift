import Testing
@testable import GatehouseLedger

@Suite struct CheckpointTests {
    /// The example checkpoint of C2SP tlog-checkpoint.md (its key is not published).
    static let specText = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    static let specNote = specText + "\n\u{2014} example.com/behind-the-sofa "
        + "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    static let root = MerkleHash(base64: "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")!

    @Test func theSpecExampleParsesAndReserialises() throws {
        let checkpoint = try Checkpoint(text: Self.specText)
        #expect(checkpoint.origin == "example.com/behind-the-sofa")
        #expect(checkpoint.treeSize == 20_852_163)
        #expect(checkpoint.rootHash.bytes.count == 32)
        #expect(checkpoint.rootHash.description.hasPrefix("0ac5186a"))
        #expect(checkpoint.extensionLines.isEmpty)
        #expect(checkpoint.text == Self.specText)
        #expect(try SignedNote(parsing: Self.specNote).text == Self.specText)
    }

    @Test func extensionLinesRoundTrip() throws {
        let checkpoint = try Checkpoint(origin: "log", treeSize: 0, rootHash: Self.root, extensionLines: ["a b", "+c"])
        #expect(checkpoint.text == "log\n0\n\(Self.root.base64)\na b\n+c\n")
        #expect(try Checkpoint(text: checkpoint.text) == checkpoint)
    }

    @Test func theLargestTreeSizeRoundTrips() throws {
        let checkpoint = try Checkpoint(origin: "log", treeSize: .max, rootHash: Self.root)
        #expect(try Checkpoint(text: checkpoint.text).treeSize == .max)
    }

    static let hash = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="

    @Test(arguments: [
        ("log\n1\n\(hash)", CheckpointError.textMissingFinalNewline),
        ("log\n1\n", .tooFewLines(2)),
        ("\n1\n\(hash)\n", .emptyOrigin),
        ("l\tg\n1\n\(hash)\n", .controlCharacter(line: 1)),
        ("log\n1\n\(hash)\nx\u{7F}\u{1B}\n", .controlCharacter(line: 4)),
        ("log\n\n\(hash)\n", .invalidTreeSize),
        ("log\n-1\n\(hash)\n", .invalidTreeSize),
        ("log\n+1\n\(hash)\n", .invalidTreeSize),
        ("log\n 1\n\(hash)\n", .invalidTreeSize),
        ("log\n1e3\n\(hash)\n", .invalidTreeSize),
        ("log\n0x10\n\(hash)\n", .invalidTreeSize),
        ("log\n\u{0661}\n\(hash)\n", .invalidTreeSize),
        ("log\n18446744073709551616\n\(hash)\n", .invalidTreeSize),
        ("log\n00\n\(hash)\n", .treeSizeLeadingZero),
        ("log\n012\n\(hash)\n", .treeSizeLeadingZero),
        ("log\n1\nnot base64!\n", .rootHashNotBase64),
        ("log\n1\n\n", .rootHashNotBase64),
        ("log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", .rootHashNotBase64),
        ("log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", .rootHashNotBase64),
        ("log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n", .rootHashWrongLength(30)),
        ("log\n1\n\(hash)\n\n", .emptyExtensionLine(line: 4)),
        ("log\n1\n\(hash)\next\n\nmore\n", .emptyExtensionLine(line: 5)),
    ] as [(String, CheckpointError)])
    func malformedCheckpointsAreRefusedWithTheReason(text: String, error: CheckpointError) {
        #expect(throws: error) { try Checkpoint(text: text) }
    }

    @Test func constructionRefusesFieldsThatAreNotLines() {
        #expect(throws: CheckpointError.controlCharacter(line: 1)) {
            try Checkpoint(origin: "a\nb", treeSize: 1, rootHash: Self.root)
        }
        #expect(throws: CheckpointError.emptyExtensionLine(line: 5)) {
            try Checkpoint(origin: "log", treeSize: 1, rootHash: Self.root, extensionLines: ["x", ""])
        }
    }
}
