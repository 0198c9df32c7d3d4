import Crypto
import Testing
@testable import GatehouseMasking

@Suite struct StreamingTextMaskerTests {
    let engine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .redact,
                               pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                               subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))

    /// Streams `chunks` through a fresh masker and returns the concatenated output and hits.
    func stream(_ chunks: [[UInt8]], holdback: Int = StreamingTextMasker.defaultHoldback) -> ([UInt8], [SubjectHit]) {
        var masker = StreamingTextMasker(engine: engine, holdback: holdback)
        var out: [UInt8] = []
        var hits: [SubjectHit] = []
        for chunk in chunks {
            let step = masker.feed(chunk)
            out += step.bytes
            hits += step.hits
            #expect(masker.pendingByteCount <= 2 * holdback + chunk.count)
        }
        let last = masker.finish()
        return (out + last.bytes, hits + last.hits)
    }

    func whole(_ text: String) -> String { engine.mask(text).text }

    @Test func identifierSplitAtEveryByteOffsetIsMasked() {
        let padding = String(repeating: "lorem ipsum ", count: 30)   // past the holdback
        for identifier in ["alice@example.com", "DE89 3704 0044 0532 0130 00", "4111 1111 1111 1111",
                           "123-45-6789", "2001:db8::1", "+49 30 1234567"] {
            let text = padding + "x " + identifier + " y " + padding
            let bytes = Array(text.utf8)
            let expected = whole(text)
            #expect(!expected.contains(identifier))
            for split in 0...bytes.count {
                let (out, hits) = stream([Array(bytes[..<split]), Array(bytes[split...])])
                #expect(String(decoding: out, as: UTF8.self) == expected, "split at \(split) of \(identifier)")
                #expect(hits.count == 1)
            }
        }
    }

    @Test func tokensThatAreNotIdentifiersAreNotMaskedWhenCut() {
        let padding = String(repeating: "lorem ipsum ", count: 30)
        for token in ["ORD1234567890123456789", "41111111111111111111111", "ab12cd34ef56gh78ij90"] {
            let text = padding + token + " " + padding
            let bytes = Array(text.utf8)
            #expect(whole(text) == text)
            for split in 0...bytes.count {
                let (out, _) = stream([Array(bytes[..<split]), Array(bytes[split...])])
                #expect(out == bytes, "split at \(split) of \(token)")
            }
        }
    }

    @Test func byteByByteFeedingMatchesWholeBufferMasking() {
        let text = String(repeating: "Kontakt: jörg.müller@example.com, IBAN DE89370400440532013000; ", count: 12)
            + "Karte 4111-1111-1111-1111 漢字 ende"
        let bytes = Array(text.utf8)
        let (out, hits) = stream(bytes.map { [$0] })
        #expect(String(decoding: out, as: UTF8.self) == whole(text))
        #expect(hits == engine.mask(text).hits)   // each subject once, in order
    }

    @Test func smallHoldbackStillMasksAcrossChunks() {
        let text = String(repeating: "ping bob@example.org pong ", count: 20)
        let bytes = Array(text.utf8)
        for size in [1, 3, 7, 16, 33] {
            let chunks = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
            let (out, _) = stream(chunks, holdback: 64)
            #expect(String(decoding: out, as: UTF8.self) == whole(text), "chunk size \(size)")
        }
    }

    @Test func outputIsNotHeldBackBeyondTheBound() {
        var masker = StreamingTextMasker(engine: engine)
        let step = masker.feed(Array(String(repeating: "a", count: 1000).utf8))
        #expect(step.bytes.count == 1000 - StreamingTextMasker.defaultHoldback)
        #expect(masker.pendingByteCount == StreamingTextMasker.defaultHoldback)
        #expect(masker.feed(Array("bb".utf8)).bytes.count == 2)
        #expect(masker.finish().bytes.count == StreamingTextMasker.defaultHoldback)
        #expect(masker.pendingByteCount == 0)
    }

    @Test func cutsNeverSplitUTF8Sequences() {
        let text = String(repeating: "é漢😀", count: 200)
        let bytes = Array(text.utf8)
        var masker = StreamingTextMasker(engine: engine, holdback: 16)
        var out: [UInt8] = []
        for start in stride(from: 0, to: bytes.count, by: 5) {
            let step = masker.feed(Array(bytes[start..<min(start + 5, bytes.count)]))
            // Every emitted piece is valid UTF-8 on its own.
            #expect(String(decoding: step.bytes, as: UTF8.self).utf8.elementsEqual(step.bytes))
            out += step.bytes
        }
        out += masker.finish().bytes
        #expect(out == bytes)
    }

    @Test func textWithoutIdentifiersPassesThroughUnchanged() {
        let text = Array(String(repeating: "nothing personal here, 42 apples. ", count: 50).utf8)
        let (out, hits) = stream([Array(text[..<500]), Array(text[500...])])
        #expect(out == text)
        #expect(hits.isEmpty)
    }

    @Test func invalidUTF8IsForwardedAndIdentifiersAroundItStillMasked() {
        var bytes = Array("mail alice@example.com ".utf8)
        bytes += [0xFF, 0xC3]
        bytes += Array(" and bob@example.org".utf8)
        let (out, _) = stream([Array(bytes[..<10]), Array(bytes[10...])], holdback: 8)
        let expected = engine.mask(bytes).output!
        #expect(out == expected)
    }

    @Test func emptyInputAndEmptyChunks() {
        let (out, hits) = stream([[], [], []])
        #expect(out.isEmpty && hits.isEmpty)
    }
}
