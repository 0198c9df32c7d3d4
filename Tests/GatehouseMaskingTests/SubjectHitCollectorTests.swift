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

    @Test func digestsThatAreNotHexAreStillToldApart() {
        var collector = SubjectHitCollector()
        let odd = (0..<40).map { SubjectHit(kind: .custom, digest: "NOT-HEX-\($0)") }
        for hit in odd + odd.reversed() { collector.add(hit) }
        #expect(collector.hits == odd)
    }
}
