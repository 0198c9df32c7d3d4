import Foundation
import GatehouseCore
import Testing

@testable import GatehouseStore

@Suite struct UTCTimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 1_795_678_200.123)) == "2026-11-26T07:30:00.123Z")
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 253_402_300_799.999)) == "9999-12-31T23:59:59.999Z")
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 253_402_300_800)) == nil)
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: .nan)) == nil)
    }

    @Test func agreesWithFoundationsISO8601OnWholeSeconds() throws {
        // Whole seconds are exact in a Date; Foundation truncates fractions that a Double
        // holds a hair low, so milliseconds are compared by round trip below instead.
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...253_402_300_799)))
            #expect(UTCTimestamp.string(from: date) == style.format(date))
        }
    }

    @Test func millisecondsRoundTripExactly() throws {
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: -62_167_219_200_000...253_402_300_799_999)  // years 0000-9999
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = try #require(UTCTimestamp.string(from: date))
            #expect(UTCTimestamp.date(from: text) == date, "\(text)")
        }
    }

    @Test func parsesOnlyItsOwnForm() {
        #expect(UTCTimestamp.date(from: "2026-11-26T07:30:00.123Z") == Date(timeIntervalSince1970: 1_795_678_200.123))
        for bad in ["2026-11-26T07:30:00Z", "2026-11-26 07:30:00.123Z", "2026-13-26T07:30:00.123Z", "2026-11-26T24:00:00.000Z", "", "2026-11-26T07:30:00.12aZ"] {
            #expect(UTCTimestamp.date(from: bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"), (1_795_687_200.123, "2026-11-26T10:00:00.123Z"), (951_782_400.0, "2000-02-29T00:00:00.000Z"),
        (-0.001, "1969-12-31T23:59:59.999Z"), (-62_167_219_200.0, "0000-01-01T00:00:00.000Z"),
        (253_402_300_799.999, "9999-12-31T23:59:59.999Z"), (4_107_542_400.0, "2100-03-01T00:00:00.000Z"),
    ])
    func formatsAndParsesBack(seconds: Double, text: String) throws {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(UTCTimestamp.string(from: date) == text)
        let parsed = try #require(UTCTimestamp.date(from: text))
        #expect(UTCTimestamp.string(from: parsed) == text)
        #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.000_5)
    }

    @Test func roundsToTheNearestMillisecond() {
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 0.000_6)) == "1970-01-01T00:00:00.001Z")
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 0.000_4)) == "1970-01-01T00:00:00.000Z")
    }

    @Test func yearsOutsideFourDigitsAreRefused() {
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: 253_402_300_800)) == nil)
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: -62_167_219_200.001)) == nil)
        #expect(UTCTimestamp.string(from: Date(timeIntervalSince1970: .infinity)) == nil)
    }

    @Test(arguments: ["2026-02-29T00:00:00.000Z", "2100-02-29T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-00-01T00:00:00.000Z",
                      "2026-11-26T10:00:00.123z", "2026-11-26T10:00:00,123Z", "2026-11-26T10:60:00.000Z", "2026-11-26T10:00:00.1234Z",
                      "２026-11-26T10:00:00.123Z", ""])
    func nonCanonicalTextIsRefused(text: String) {
        #expect(UTCTimestamp.date(from: text) == nil)
    }
}
