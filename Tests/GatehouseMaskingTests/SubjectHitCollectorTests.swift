import Crypto
import Testing
@testable import GatehouseMasking

/// Hits are kept once each, in order of first appearance, however many there are (across the
/// switch from a linear scan to a set).
@Suite struct SubjectHitCollectorTests {
    static func hit(_ n: Int, kind: IdentifierKind = .email) -> SubjectHit {
        SubjectHit(kind: kind, digest: SHA256.hash(data: Array("subject \(n)".utf8)).map { String(format: "%02x", $0) }.joined())
    }

    @Test func eachHitOnceInOrderOfFirstAppearanceAcrossTheSwitchToASet() {
        var collector = SubjectHitCollector()
        let distinct = (0..<5_000).map { Self.hit($0) }
        // Every hit three times, the repeats interleaved, kinds kept apart for the same digest.
        for (index, hit) in distinct.enumerated() {
            collector.add(hit)
            collector.add(distinct[index / 2])
            collector.add([distinct[index / 3], hit])
        }
        let phone = SubjectHit(kind: .phone, digest: distinct[7].digest)
        collector.add(phone)
        collector.add(phone)
        #expect(collector.hits == distinct + [phone])
    }

    @Test func aLimitKeepsTheFirstHitsAndStillCountsEverySubject() {
        var collector = SubjectHitCollector(limit: 10)
        let distinct = (0..<3_000).map { Self.hit($0) }
        for hit in distinct + distinct.reversed() { collector.add(hit) }
        #expect(collector.hits == Array(distinct.prefix(10)))
        #expect(collector.distinctCount == 3_000)
        // A hit the engine makes (from the raw MAC) and the same hit as text are one subject.
        let engine = MaskingEngine(detectors: DetectorSet(), pseudonymKey: SymmetricKey(size: .bits256), subjectKey: SymmetricKey(size: .bits256))
        var mixed = SubjectHitCollector(limit: 1)
        _ = Array("mail a@example.com and b@example.com".utf8).withUnsafeBytes { engine.mask($0, collecting: &mixed) }
        let asText = engine.mask("a@example.com b@example.com").hits
        #expect(mixed.hits == [asText[0]] && mixed.distinctCount == 2)
        mixed.add(asText)
        #expect(mixed.distinctCount == 2)
    }

    @Test func digestsThatAreNotHexAreStillToldApart() {
        var collector = SubjectHitCollector()
        let odd = (0..<40).map { SubjectHit(kind: .custom, digest: "NOT-HEX-\($0)") }
        for hit in odd + odd.reversed() { collector.add(hit) }
        #expect(collector.hits == odd)
    }
}
