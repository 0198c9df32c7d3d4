import Testing
@testable import GatehouseMasking

/// Log lines start with ISO 8601 timestamps, which the scanner steps over whole. What follows
/// them, or touches them, must still be found.
@Suite struct LogTimestampTests {
    @Test(arguments: [
        "2026-12-07", "2026-12-07T10:00:00Z", "2026-12-07 10:00:00", "2026-12-07T10:00:00.123456+01:00",
        "1999-01-31T23:59:60,5-05:00", "2026-12-07T10:00",
    ])
    func aTimestampIsSteppedOverWhole(timestamp: String) {
        let bytes = Array((timestamp + " rest").utf8)
        let end = bytes.withUnsafeBytes { ISOTimestamp.end($0, at: 0) }
        #expect(end == timestamp.utf8.count)
        #expect(isClean(timestamp + " INFO request handled status=200"))
    }

    @Test(arguments: [
        "2026-13-07", "2026-12-32", "3026-12-07", "2026-12-07T", "2026-12-07T25:00", "x2026-12-07", "2026-12-07x", "2026-12-7",
    ])
    func anythingElseIsNoTimestamp(text: String) {
        let bytes = Array(text.utf8)
        let at = text.hasPrefix("x") ? 1 : 0
        #expect(bytes.withUnsafeBytes { ISOTimestamp.end($0, at: at) } == nil)
    }

    @Test func identifiersAfterOrAgainstATimestampAreStillFound() {
        let line = "2026-12-07T10:00:00Z user=alice@example.com card=4111 1111 1111 1111 phone=+49 30 1234567 "
            + "iban=DE89 3704 0044 0532 0130 00 at 2026-12-07 10:00 from 192.168.10.20 ssn 123-45-6789"
        #expect(found(line).map(\.kind) == [.email, .paymentCard, .phone, .iban, .ipv4, .usSSN])
        #expect(values("2026-12-07: 4111111111111111", of: .paymentCard) == ["4111111111111111"])
        #expect(values("2026-12-07T10:00:00Z 4111 1111 1111 1111", of: .paymentCard) == ["4111 1111 1111 1111"])
        #expect(values("2026-12-07T10:00:00Z,+49 30 1234567", of: .phone) == ["+49 30 1234567"])
    }
}
