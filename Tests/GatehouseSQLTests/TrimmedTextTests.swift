import Foundation
import GatehouseCore
import Testing

@testable import GatehouseSQL

/// The hot path's trim gives exactly what Foundation's does.
@Suite struct TrimmedTextTests {
    @Test func agreesWithFoundation() {
        let pieces = [" ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{A0}", "\u{2028}", "\u{3000}", "\u{85}", "\u{1C}",
                      "SELECT 1", ";", "é", "x", "", "😀", "\u{301}"]
        var generator = SplitMix64(seed: 7)
        for _ in 0..<5000 {
            let count = Int(generator.next() % 6)
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            #expect(text.trimmedSQL == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(text.unicodeScalars))")
        }
    }
}
