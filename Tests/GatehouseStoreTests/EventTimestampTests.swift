import Foundation
import Testing

@testable import GatehouseStore

@Suite struct EventTimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 1_795_678_200.123)) == "2026-11-26T07:30:00.123Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 253_402_300_799.999)) == "9999-12-31T23:59:59.999Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 253_402_300_800)) == nil)
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: .nan)) == nil)
    }

    @Test func agreesWithFoundationsISO8601OnWholeSeconds() throws {
        // Whole seconds are exact in a Date; Foundation truncates fractions that a Double
        // holds a hair low, so milliseconds are compared by round trip below instead.
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...253_402_300_799)))
            #expect(EventTimestamp.string(from: date) == style.format(date))
        }
    }

    @Test func millisecondsRoundTripExactly() throws {
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: -62_167_219_200_000...253_402_300_799_999)  // years 0000-9999
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = try #require(EventTimestamp.string(from: date))
            #expect(EventTimestamp.date(from: text) == date, "\(text)")
        }
    }

    @Test func parsesOnlyItsOwnForm() {
        #expect(EventTimestamp.date(from: "2026-11-26T07:30:00.123Z") == Date(timeIntervalSince1970: 1_795_678_200.123))
        for bad in ["2026-11-26T07:30:00Z", "2026-11-26 07:30:00.123Z", "2026-13-26T07:30:00.123Z", "2026-11-26T24:00:00.000Z", "", "2026-11-26T07:30:00.12aZ"] {
            #expect(EventTimestamp.date(from: bad) == nil, "\(bad)")
        }
    }
}
