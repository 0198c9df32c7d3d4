import GatehouseMasking
import Testing
@testable import GatehouseBlob

/// An upload in blocks is scanned as the blob it forms: what each block's own scan cannot see
/// (an identifier cut by a seam) is found in the seams, once, and nothing else is reported twice.
@Suite struct BlockSeamsTests {
    let detectors = DetectorSet()

    /// Cuts `text` at `cuts` (byte offsets) into blocks and returns their edges.
    func edges(_ text: String, cutAt cuts: [Int]) -> [BlockSeams.Edges] {
        let bytes = Array(text.utf8)
        let bounds = [0] + cuts + [bytes.count]
        return zip(bounds, bounds.dropFirst()).map { BlockSeams.Edges(of: Array(bytes[$0..<$1]), binary: false) }
    }

    func found(_ text: String, cutAt cuts: [Int]) -> [String] {
        BlockSeams.detections(across: edges(text, cutAt: cuts), detectors: detectors).map(\.name)
    }

    @Test func anIdentifierCutByASeamIsFound() {
        let text = String(repeating: "plain words here ", count: 200) + "write to alice.example@mail.example.com today"
        let at = text.utf8.count - 20
        #expect(found(text, cutAt: [at]) == ["email"])
        // Whole on either side of the seam: each block's own scan found it; the seams report nothing.
        #expect(found(text, cutAt: [100]).isEmpty)
    }

    @Test func anIdentifierSpreadOverManyTinyBlocksIsReportedOnce() {
        let text = "x DE89 3704 0044 0532 0130 00 y"
        #expect(found(text, cutAt: Array(stride(from: 3, to: 30, by: 2))) == ["iban"])
    }

    @Test func largeBlocksKeepOnlyTheirEnds() {
        let block = Array(String(repeating: "a", count: 5000).utf8)
        let edges = BlockSeams.Edges(of: block, binary: false)
        #expect(edges.head.count == BlockSeams.window && edges.tail.count == BlockSeams.window && !edges.whole)
        let email = Array(String(repeating: "b", count: 3000).utf8) + Array("bob@example.org".utf8)
        // The seam between a large block ending in "...bob@exam" and one starting "ple.org".
        let first = BlockSeams.Edges(of: Array(email.prefix(email.count - 7)), binary: false)
        let second = BlockSeams.Edges(of: Array(email.suffix(7)), binary: false)
        #expect(BlockSeams.detections(across: [first, second], detectors: detectors).map(\.name) == ["email"])
    }

    @Test func binaryBlocksAndTheirSeamsAreNotScanned() {
        let parts = edges("mail carol@example.net now", cutAt: [10])
        #expect(BlockSeams.detections(across: parts, detectors: detectors).count == 1)
        let binary = [parts[0], BlockSeams.Edges(of: Array("example.net now".utf8), binary: true)]
        #expect(BlockSeams.detections(across: binary, detectors: detectors).isEmpty)
    }

    @Test func theBlockListNamesItsBlocksInOrder() {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <BlockList><Latest>QUFB</Latest><Committed>QkJC</Committed><Uncommitted>Q0&amp;D</Uncommitted></BlockList>
            """
        #expect(BlockSeams.listedBlocks(in: xml) == [
            BlockSeams.ListedBlock(list: "Latest", id: "QUFB"), BlockSeams.ListedBlock(list: "Committed", id: "QkJC"),
            BlockSeams.ListedBlock(list: "Uncommitted", id: "Q0&D"),
        ])
        #expect(BlockSeams.listedBlocks(in: "<Other/>") == nil)
        #expect(BlockSeams.listedBlocks(in: "<BlockList><Latest>QUFB</BlockList>") == nil)
        #expect(BlockSeams.listedBlocks(in: "<BlockList></BlockList>") == [])
    }
}
