import GatehouseCore
import Testing

@testable import GatehouseGit

@Suite struct PackStreamParserTests {
    /// Chunk boundaries fall everywhere: inside headers, zlib streams and the trailer.
    @Test func anyChunkingGivesTheSameResultAsOneBuffer() throws {
        let (_, bytes, whole) = try PackFixtures.editedHistoryPack()
        var random = SplitMix64(seed: 3)
        for maxChunk in [1, 2, 7, 100, 4096] {
            let parser = PackStreamParser()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + random.below(maxChunk))
                try parser.feed(bytes[start..<end])
                start = end
            }
            let streamed = try parser.finish()
            #expect(streamed.objects == whole.objects, "chunks up to \(maxChunk)")
            #expect(streamed.commits == whole.commits)
            #expect(streamed.deltaInserts == whole.deltaInserts)
        }
    }

    /// The push can be refused as soon as the offending entry's header arrives.
    @Test func limitsAreEnforcedBeforeThePackIsComplete() throws {
        let (_, bytes, _) = try PackFixtures.editedHistoryPack()
        let parser = PackStreamParser(limits: PackLimits(maxObjectBytes: 1000))
        var failure: PackError?
        var fed = 0
        do {
            while fed < bytes.count {
                let end = min(bytes.count, fed + 64)
                try parser.feed(bytes[fed..<end])
                fed = end
            }
        } catch { failure = error }
        let error = try #require(failure)
        #expect(error.description.contains("limit exceeded"))
        #expect(fed < bytes.count)
        #expect(parser.entriesRead < parser.objectCount ?? 0)
    }
}
