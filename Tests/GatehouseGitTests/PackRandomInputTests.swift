import GatehouseCore
import Testing

@testable import GatehouseGit

/// Seeded garbage and mutations of a real pack: every outcome must be a value or a `PackError`,
/// never a trap. Same seed, same inputs, so a failure reproduces.
@Suite struct PackRandomInputTests {
    @Test func randomBytesAndMutatedPacksNeverTrap() throws {
        var random = SplitMix64(seed: 0x5EED_FACE)
        let (_, real, _) = try PackFixtures.editedHistoryPack()
        var outcomes = (parsed: 0, rejected: 0)
        for round in 0..<3000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<random.below(200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if random.below(2) == 0 { bytes = Array("PACK".utf8) + [0, 0, 0, 2, 0, 0, 0, UInt8(random.below(4))] + bytes }
            case 1:
                bytes = real
                for _ in 0...random.below(4) { bytes[random.below(bytes.count)] ^= UInt8(truncatingIfNeeded: random.next() | 1) }
            default:
                bytes = Array(real.prefix(random.below(real.count)))
            }
            do {
                _ = try PackParser.parse(bytes)
                outcomes.parsed += 1
            } catch {
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.rejected > 2900)
    }

    /// Deltas are parsed and applied before any trailer protects them in a hand-made pack, so
    /// they get their own garbage.
    @Test func randomDeltasNeverTrap() {
        var random = SplitMix64(seed: 42)
        let base = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
        var applied = 0
        for _ in 0..<5000 {
            var data = PackBuilder.delta(baseSize: base.count, resultSize: random.below(400), instructions: [])
            data += (0..<random.below(40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            guard let delta = try? GitDelta(data), let result = try? delta.apply(to: base) else { continue }
            #expect(result.count == delta.resultSize)
            applied += 1
        }
        _ = applied
    }
}
