import Crypto
import GatehouseCore
import Testing
@testable import GatehouseMasking

/// A large array masked on several cores gives exactly what one pass gives: the same bytes, the
/// same hits in the same order, the same count of people, the same error for a broken document.
@Suite struct JSONParallelMaskingTests {
    let engine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .redact,
                               pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                               subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))

    /// An export whose elements differ in shape, hold the characters the splitter must not cut
    /// at inside strings (`,`, `]`, `}`, escaped quotes), nest, and repeat people far apart.
    func export(records: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var parts: [String] = []
        for n in 0..<records {
            let person = random.below(records / 3 + 1)
            switch random.below(5) {
            case 0: parts.append(#"{"id": \#(n), "name": "Customer \#(person)", "email": "p\#(person)@example.com"}"#)
            case 1: parts.append(#"{"note": "call \"+49 30 \#(1_000_000 + person)\", then ], } or ,", "tags": [1, [2, {"x": "y"}]]}"#)
            case 2: parts.append(#"["nested", {"email": "p\#(person)@example.org", "card": 4111111111111111}]"#)
            case 3: parts.append("\"a bare string naming p\(person)@example.net\"")
            default: parts.append(String(n))
            }
        }
        return Array(("\n [" + parts.joined(separator: random.below(2) == 0 ? ",\n  " : ",") + "]\n").utf8)
    }

    func masker(parallelism: Int, fields: [String: String] = ["$[*].name": "name", "$[3].email": "contact"],
                limit: Int = 50) throws -> JSONMasker {
        var masker = try JSONMasker(engine: engine, fieldCategories: fields)
        masker.parallelism = parallelism
        masker.subjectLimit = limit
        return masker
    }

    @Test(arguments: [2, 3, 8])
    func severalCoresGiveWhatOnePassGives(parallelism: Int) throws {
        for seed in 1...4 {
            let document = export(records: 30_000, seed: UInt64(seed))
            #expect(document.count >= JSONMasker.parallelMinimumBytes)
            let serial = try masker(parallelism: 1).mask(document)
            // Masked side by side (not handed back to one pass), and the same as one pass.
            let parallel = try #require(document.withUnsafeBytes { try masker(parallelism: parallelism).maskSideBySide($0) })
            #expect(parallel.output == serial.output)
            #expect(parallel.hits == serial.hits)
            #expect(parallel.distinctSubjects == serial.distinctSubjects && serial.distinctSubjects > 10_000)
            // The path with an index names the same element however the array was cut.
            let root = try #require(document.withUnsafeBytes { try masker(parallelism: parallelism, fields: ["$": "contact"]).maskSideBySide($0) })
            #expect(root.output == (try masker(parallelism: 1, fields: ["$": "contact"]).mask(document)).output)
        }
    }

    @Test func theRunsAreWholeElementsOfTheTopLevelArray() throws {
        let document = export(records: 2_000, seed: 9)
        let runs = try #require(document.withUnsafeBytes { JSONArraySplitter.runs(in: $0, parts: 4) })
        #expect(runs.count == 4)
        // Joined with the commas between them and the brackets around them, they are the document.
        let text = String(decoding: document, as: UTF8.self)
        let pieces = runs.map { String(decoding: document[$0.range], as: UTF8.self) }
        #expect("\n [" + pieces.joined(separator: ",") + "]\n" == text)
        #expect(runs[0].firstIndex == 0 && runs.map(\.firstIndex) == runs.map(\.firstIndex).sorted())
    }

    @Test(arguments: [
        "[1, 2,, 3]", "[1, 2, 3}", "[1, 2, 3] x", "[1, {\"a\": 2], 3]", "[1, \"open, 2, 3]", "[1, 2, 3",
        "[1, tru, 3]", "[{\"a\": 1} {\"b\": 2}, 3, 4]",
    ])
    func aBrokenDocumentFailsWithTheErrorOfOnePass(broken: String) throws {
        // Padded past the size at which the document is cut, with the damage near the start.
        let padding = String(repeating: ", \"filler\"", count: JSONMasker.parallelMinimumBytes / 10)
        let document = Array((String(broken.dropLast()) + padding + String(broken.last!)).utf8)
        var serialError: MalformedInputError?
        do { _ = try masker(parallelism: 1).mask(document) } catch let error as MalformedInputError { serialError = error }
        let expected = try #require(serialError)
        #expect(throws: expected) { try masker(parallelism: 4).mask(document) }
    }

    @Test func anythingButALargeArrayIsMaskedInOnePass() throws {
        let object = Array(("{\"list\": [" + Array(repeating: "\"a@example.com\"", count: 80_000).joined(separator: ",") + "]}").utf8)
        #expect(object.withUnsafeBytes { JSONArraySplitter.runs(in: $0, parts: 2) } == nil)
        #expect(try masker(parallelism: 2).mask(object).output == (try masker(parallelism: 1).mask(object)).output)
        #expect(Array("[1]".utf8).withUnsafeBytes { JSONArraySplitter.runs(in: $0, parts: 2) } == nil)
    }
}
