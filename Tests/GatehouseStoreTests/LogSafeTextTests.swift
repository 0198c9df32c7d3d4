import GatehouseCore
import Testing

/// What a client sent reaches a log line escaped: it cannot end the line or reorder it.
@Suite struct LogSafeTextTests {
    @Test func lineBreaksAndControlsAreEscaped() {
        #expect(LogSafeText.escaped("shop\n2026-12-06T00:00:00+0000 info gatehouse: forged") ==
                "shop\\u{A}2026-12-06T00:00:00+0000 info gatehouse: forged")
        #expect(LogSafeText.escaped("a\rb\u{1B}[31mc\u{0}") == "a\\u{D}b\\u{1B}[31mc\\u{0}")
        #expect(LogSafeText.escaped("x\u{2028}y") == "x\\u{2028}y")
    }

    @Test func bidirectionalOverridesAndInvisibleCharactersAreEscaped() {
        #expect(LogSafeText.escaped("evil\u{202E}txt.exe") == "evil\\u{202E}txt.exe")
        #expect(LogSafeText.escaped("a\u{200B}b") == "a\\u{200B}b")
    }

    @Test func theBackslashIsEscapedSoEscapesAreUnambiguous() {
        #expect(LogSafeText.escaped("\\u{A}") == "\\\\u{A}")
    }

    @Test func ordinaryTextIsUnchanged() {
        #expect(LogSafeText.escaped("connection shop, user ann, ünïcödé ✓") == "connection shop, user ann, ünïcödé ✓")
    }
}
