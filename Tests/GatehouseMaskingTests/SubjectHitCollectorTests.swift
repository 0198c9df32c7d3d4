import Crypto
import Testing
@testable import GatehouseMasking

/// Hits are kept once each, in order of first appearance, however many there are (across the
/// growth of the table that tells them apart).
@Suite struct SubjectHitCollectorTests {
    static func hit(_ n: Int, kind: IdentifierKind = .email) -> SubjectHit {
        SubjectHit(kind: kind, digest: SHA256.hash(data: Array("subject \(n)".utf8)).map { String(format: "%02x", $0) }.joined())
    }

    @Test func eachHitOnceInOrderOfFirstAppearanceAsTheTableGrows() {
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

    /// The table of distinct keys: every kind is its own subject for one digest, the key whose
    /// bits fold to zero (the empty slot's pattern) counts once, and a union counts each key once.
    @Test func theKeyTableCountsEachKindAndDigestOnce() {
        let kinds = IdentifierKind.allCases
        var set = SubjectKeySet()
        let digest = SHA256.hash(data: Array("one subject".utf8))
        for kind in kinds + kinds { _ = set.insert(SubjectKey(kind: kind, mac: digest)) }
        #expect(set.count == kinds.count)
        // email's tag folds into the low word's top byte; this key's slot is all zeros.
        let email = UInt64(withUnsafeBytes(of: IdentifierKind.email) { $0[0] }) + 1
        let zero = SubjectKey(kind: .email, high: 0, low: email << 56)
        #expect(set.insert(zero) && !set.insert(zero))
        var other = SubjectKeySet()
        for n in 0..<10_000 { _ = other.insert(SubjectKey(kind: .phone, mac: SHA256.hash(data: Array("subject \(n)".utf8)))) }
        _ = other.insert(zero)
        _ = other.insert(SubjectKey(kind: .phone, mac: digest))
        set.formUnion(other)
        #expect(set.count == kinds.count + 1 + 10_000)
    }

    /// Keys only counted are inserted in batches: the count is right while some wait (repeats
    /// among them, and of keys already in the table), after they are settled, and after a union.
    @Test func keysInsertedLaterAreCountedOnce() {
        func key(_ n: Int) -> SubjectKey { SubjectKey(kind: .email, mac: SHA256.hash(data: Array("later \(n)".utf8))) }
        var set = SubjectKeySet()
        for n in 0..<100 { _ = set.insert(key(n)) }
        for n in 50..<130 { set.insertLater(key(n)); set.insertLater(key(n)) }
        #expect(set.count == 130)
        for n in 130..<1_000 { set.insertLater(key(n)) }
        #expect(set.count == 1_000)
        #expect(!set.insert(key(999)) && set.insert(key(1_000)))
        var other = SubjectKeySet()
        for n in 900..<1_100 { other.insertLater(key(n)) }
        set.insertLater(key(1_200))
        set.formUnion(other)
        #expect(set.count == 1_101)   // 0...1000, 1001..<1100, 1200
    }
}
