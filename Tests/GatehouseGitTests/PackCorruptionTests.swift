import Foundation
import Testing

@testable import GatehouseGit

@Suite struct PackCorruptionTests {
    private func error(parsing bytes: [UInt8], limits: PackLimits = .default) -> PackError? {
        do {
            _ = try PackParser.parse(bytes, limits: limits)
            return nil
        } catch { return error }
    }

    @Test func flippedByteInsideAZlibStreamNamesTheObject() throws {
        let (_, bytes, pack) = try PackFixtures.editedHistoryPack()
        let largest = try #require(pack.objects.filter { !$0.kind.isDelta }.max { $0.entrySize < $1.entrySize })
        var corrupted = bytes
        corrupted[largest.offset + 40] ^= 0x55
        let failure = try #require(error(parsing: corrupted))
        #expect(failure.objectIndex == largest.index)
        #expect(failure.offset == largest.offset || failure.reason == .truncated)
        #expect(failure.description.contains("object \(largest.index)"))
    }

    @Test func everyTruncationIsRejected() throws {
        let (_, bytes, _) = try PackFixtures.editedHistoryPack()
        for length in stride(from: 0, to: bytes.count, by: 7) + [bytes.count - 1, bytes.count - 20] {
            let failure = error(parsing: Array(bytes.prefix(length)))
            #expect(failure != nil, "length \(length)")
        }
        let midObject = try #require(error(parsing: Array(bytes.prefix(bytes.count / 2))))
        #expect(midObject.reason == .truncated && midObject.objectIndex != nil)
        #expect(midObject.description.contains("truncated"))
    }

    @Test func wrongTrailerIsRejected() throws {
        let (_, bytes, _) = try PackFixtures.editedHistoryPack()
        var corrupted = bytes
        corrupted[bytes.count - 1] ^= 1
        let failure = try #require(error(parsing: corrupted))
        guard case .badTrailerChecksum = failure.reason else { Issue.record("\(failure)"); return }
        #expect(failure.offset == bytes.count - 20)
    }

    @Test func wrongObjectCountIsRejected() throws {
        let (_, bytes, pack) = try PackFixtures.editedHistoryPack()
        var fewer = bytes
        fewer[11] -= 1
        let tooFew = try #require(error(parsing: fewer))
        guard case .trailingData = tooFew.reason else { Issue.record("\(tooFew)"); return }
        #expect(tooFew.offset == pack.objects.last?.offset)
        var more = bytes
        more[11] += 1
        let tooMany = try #require(error(parsing: more))
        #expect(tooMany.objectIndex == pack.objects.count)
    }

    @Test func headerProblemsAreNamed() {
        var builder = PackBuilder()
        builder.add(.blob, Array("x".utf8))
        var pack = builder.finished()
        #expect(error(parsing: Array("JUNKJUNKJUNK".utf8))?.reason == .badSignature)
        pack[7] = 4
        #expect(error(parsing: pack)?.reason == .unsupportedVersion(4))
        #expect(error(parsing: [])?.reason == .truncated)
    }

    @Test func declaredSizesBeyondLimitsAreRefusedBeforeInflating() throws {
        var builder = PackBuilder()
        builder.add(type: 3, declaredSize: 200 << 20, payload: Array("tiny".utf8))
        let huge = try #require(error(parsing: builder.finished()))
        guard case .limitExceeded = huge.reason else { Issue.record("\(huge)"); return }
        #expect(huge.objectIndex == 0 && huge.offset == 12)

        let (_, bytes, _) = try PackFixtures.editedHistoryPack()
        let tooMany = error(parsing: bytes, limits: PackLimits(maxObjects: 3))
        #expect(tooMany?.offset == 8)
        let tooBig = error(parsing: bytes, limits: PackLimits(maxObjectBytes: 100))
        #expect(tooBig?.description.contains("limit exceeded") == true)
        let tooMuch = error(parsing: bytes, limits: PackLimits(maxTotalBytes: 20_000))
        #expect(tooMuch?.description.contains("limit exceeded") == true)
    }

    @Test func sizeDifferentFromDeclaredIsRejected() throws {
        var shorter = PackBuilder()
        shorter.add(type: 3, declaredSize: 10, payload: Array("four".utf8))
        #expect(error(parsing: shorter.finished())?.reason == .sizeMismatch(declared: 10, actual: 4))
        var longer = PackBuilder()
        longer.add(type: 3, declaredSize: 2, payload: Array("four".utf8))
        #expect(error(parsing: longer.finished())?.reason == .longerThanDeclared(declared: 2))
    }

    @Test func deltaProblemsAreRejectedOrLeftUnresolved() throws {
        let base = Array("hello world".utf8)
        let baseID = GitObjectType.blob.objectID(of: base)
        var copyPastEnd = PackBuilder()
        copyPastEnd.add(.blob, base)
        copyPastEnd.addReferenceDelta(base: baseID, delta: PackBuilder.delta(baseSize: 11, resultSize: 20, instructions: [0x90, 20]))
        let failure = try #require(error(parsing: copyPastEnd.finished()))
        guard case .badDelta = failure.reason else { Issue.record("\(failure)"); return }
        #expect(failure.objectIndex == 1)

        // Two deltas naming each other can never resolve: unresolved, not an error or a hang.
        let first = GitObjectType.blob.objectID(of: Array("a".utf8))
        let second = GitObjectType.blob.objectID(of: Array("b".utf8))
        var cycle = PackBuilder()
        cycle.addReferenceDelta(base: second, delta: PackBuilder.delta(baseSize: 1, resultSize: 1, instructions: [1, UInt8(ascii: "a")]))
        cycle.addReferenceDelta(base: first, delta: PackBuilder.delta(baseSize: 1, resultSize: 1, instructions: [1, UInt8(ascii: "b")]))
        let pack = try PackParser.parse(cycle.finished())
        #expect(pack.unresolvedObjects.count == 2)
        #expect(pack.deltaInserts.map { Array($0.chunks.joined()) } == [Array("a".utf8), Array("b".utf8)])
    }

    @Test func deltaChainsDeeperThanTheLimitAreRefused() throws {
        var builder = PackBuilder()
        var content = Array("v0".utf8)
        builder.add(.blob, content)
        for step in 1...5 {
            let id = GitObjectType.blob.objectID(of: content)
            let next = Array("v\(step)".utf8)
            builder.addReferenceDelta(base: id, delta: PackBuilder.delta(baseSize: content.count, resultSize: next.count, instructions: [UInt8(next.count)] + next))
            content = next
        }
        let pack = try PackParser.parse(builder.finished())
        #expect(pack.objects.last?.deltaDepth == 5)
        #expect(pack.content(at: 5) == Array("v5".utf8))
        let failure = error(parsing: builder.finished(), limits: PackLimits(maxDeltaDepth: 4))
        #expect(failure?.objectIndex == 5)
    }
}
