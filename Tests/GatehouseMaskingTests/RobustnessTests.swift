import Crypto
import Testing
@testable import GatehouseMasking

@Suite struct RobustnessTests {
    /// Ordinary prose with numbers that are not identifiers must come through untouched.
    @Test func proseWithHarmlessNumbersIsClean() {
        let prose = """
            On 2024-01-15 at 10:30 we shipped 42 boxes (3 pallets) for 1,299.99 EUR, 15% off; \
            ticket #48213, version 1.2.3.4.5, room 256.1.1.1, see section 4.2. Call me at noon: \
            order 4111111111111112 is late. Temp -3.5°C in München, 東京 12:45:00.
            """
        #expect(found(prose).map(\.value) == [])
    }

    /// Random mixes of trigger bytes, separators, letters and multi-byte characters: every
    /// detection is in bounds, sorted, non-overlapping, and masked output stays valid UTF-8.
    @Test func randomInputKeepsTheInvariants() {
        let alphabet = Array("0123456789 -.:@+()/abcXYZDE,\n".unicodeScalars).map(String.init) + ["é", "漢", "@example.com", "::"]
        var state: UInt64 = 0x1234_5678
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let engine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .pseudonym,
                                   pseudonymKey: SymmetricKey(size: .bits256), subjectKey: SymmetricKey(size: .bits256))
        for _ in 0..<2_000 {
            let text = (0..<next(120)).map { _ in alphabet[next(alphabet.count)] }.joined()
            let bytes = Array(text.utf8)
            let detections = DetectorSet().detect(in: bytes)
            for d in detections { #expect(d.range.lowerBound >= 0 && d.range.upperBound <= bytes.count && !d.range.isEmpty) }
            for (a, b) in zip(detections, detections.dropFirst()) { #expect(a.range.upperBound <= b.range.lowerBound) }
            let masked = engine.mask(text).text
            #expect(Array(String(decoding: Array(masked.utf8), as: UTF8.self).utf8) == Array(masked.utf8))
        }
    }

    @Test func theEngineIsUsableFromManyTasksAtOnce() async {
        let engine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .pseudonym,
                                   pseudonymKey: SymmetricKey(size: .bits256), subjectKey: SymmetricKey(size: .bits256))
        let expected = engine.mask("alice@example.com 4111111111111111").text
        await withTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { engine.mask("alice@example.com 4111111111111111").text } }
            for await result in group { #expect(result == expected) }
        }
    }
}
