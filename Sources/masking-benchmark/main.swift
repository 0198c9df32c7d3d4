// Masking engine throughput: MB/s on ~64 MB of prose without identifiers and on ~64 MB dense
// with them, single core. Run through bench/masking_throughput.sh (release build).
import Foundation
import GatehouseCore
import Crypto
import GatehouseMasking


let words = """
    the order was shipped to our warehouse after the customer confirmed delivery window and \
    payment terms invoice status pending approved rejected refund requested priority normal \
    high low ticket escalated support agent replied thanks regards meeting notes quarterly \
    report revenue growth forecast inventory supplier contract renewal Zürich München café \
    naïve résumé Ärger Straße 東京 データ
    """.split(separator: " ").map(String.init)

/// Numbers that appear in ordinary text and are not identifiers.
func harmlessNumber(_ random: inout SplitMix64) -> String {
    switch random.below(7) {
    case 0: return String(random.below(100))                                  // counts
    case 1: return String(2000 + random.below(30))                            // years
    case 2: return "\(random.below(500)).\(random.below(90) + 10)"           // prices
    case 3: return "\(random.below(24)):\(random.below(50) + 10)"            // times
    case 4: return "\(random.below(100))%"                                    // percentages
    case 5: return "#\(random.below(100_000))"                                // ticket numbers
    default: return "2024-0\(random.below(9) + 1)-1\(random.below(9))"      // dates
    }
}

let identifiers = [
    "alice@example.com", "bob.smith+news@mail.example.co.uk", "4111 1111 1111 1111", "5555555555554444",
    "378282246310005", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "123-45-6789",
    "+49 30 1234567", "(555) 123-4567", "030 1234567", "192.168.10.20", "2001:db8::42", "fe80::1",
    "12345678995", "123456782", "12345678Z", "X1234567L",
]

func generate(megabytes: Int, dense: Bool, numbers: Bool = true) -> [UInt8] {
    var random = SplitMix64(seed: dense ? 2 : 1)
    var text: [UInt8] = []
    let target = megabytes << 20
    text.reserveCapacity(target + 256)
    while text.count < target {
        var line = ""
        for _ in 0..<(12 + random.below(12)) {
            if dense && random.below(4) == 0 {
                line += identifiers[random.below(identifiers.count)]
            } else if numbers && random.below(10) == 0 {
                line += harmlessNumber(&random)
            } else {
                line += words[random.below(words.count)]
            }
            line += random.below(12) == 0 ? ", " : " "
        }
        text += Array(line.utf8)
        text.append(0x0A)
    }
    return text
}

/// Row boundaries (one row per line), to measure per-row calls like the Postgres adapter makes.
func rows(of text: [UInt8]) -> [Range<Int>] {
    var result: [Range<Int>] = []
    var start = 0
    for (i, byte) in text.enumerated() where byte == 0x0A {
        result.append(start..<(i + 1))
        start = i + 1
    }
    return result
}

let engine = MaskingEngine(
    detectors: DetectorSet(), defaultStrategy: .redact,
    pseudonymKey: SymmetricKey(size: .bits256), subjectKey: SymmetricKey(size: .bits256))
let repetitions = 3

func measure(_ name: String, _ text: [UInt8]) {
    let lines = rows(of: text)
    let megabytes = Double(text.count) / 1_048_576
    var bestWhole = Double.infinity, bestRows = Double.infinity
    var detections = 0, maskedRows = 0, hits = 0
    let clock = ContinuousClock()
    for _ in 0..<repetitions {
        // The detectors over the whole buffer in one call.
        let wholeTime = clock.measure {
            detections = text.withUnsafeBytes { engine.detectors.detect(in: $0).count }
        }
        // The full engine (detect + mask + subject hits), one call per row.
        let rowsTime = clock.measure {
            maskedRows = 0; hits = 0
            text.withUnsafeBytes { all in
                for row in lines {
                    let result = engine.mask(UnsafeRawBufferPointer(rebasing: all[row]))
                    if result.output != nil { maskedRows += 1 }
                    hits += result.hits.count
                }
            }
        }
        bestWhole = min(bestWhole, seconds(wholeTime))
        bestRows = min(bestRows, seconds(rowsTime))
    }
    func rate(_ s: Double) -> String { String(Int((megabytes / s).rounded())) }
    print("\(name): \(Int(megabytes.rounded())) MB, \(lines.count) rows | detect whole buffer \(rate(bestWhole)) MB/s, "
        + "\(detections) detections | mask per row \(rate(bestRows)) MB/s, \(maskedRows) rows changed, \(hits) subject hits")
    // Show what was found, so false positives in the "without identifiers" text are visible.
    let sample = text.withUnsafeBytes { engine.detectors.detect(in: $0) }.prefix(8)
    print("  first detections: " + sample.map { "\($0.kind.rawValue)=\(String(decoding: text[$0.range], as: UTF8.self))" }
        .joined(separator: "  "))
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// A customer export like `bench/blob_throughput.py`'s: a JSON array of records, each with a
/// name (a classified field), an email and a phone number (found by the detectors).
func customerExport(megabytes: Int) -> [UInt8] {
    var text: [UInt8] = [UInt8(ascii: "[")]
    var n = 0
    while text.count < megabytes << 20 {
        if n > 0 { text += Array(",\n".utf8) }
        let plan = n % 3 == 0 ? "silver" : "gold"
        text += Array(("{\"id\": \(n), \"name\": \"Customer \(n)\", \"email\": \"customer.\(n)@example.com\", "
            + "\"phone\": \"+49 30 \(1_000_000 + n % 8_999_999)\", \"plan\": \"\(plan)\", "
            + "\"note\": \"prefers email, renewal due in spring\"}").utf8)
        n += 1
    }
    text.append(UInt8(ascii: "]"))
    return text
}

/// The whole document through `JSONMasker`, as a masked blob download does it: on one core,
/// then cut into runs masked on every core.
func measureJSON(_ name: String, _ document: [UInt8]) throws {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    var line = "\(name): \(document.count >> 20) MB | mask whole document"
    for parallelism in [1, cores] {
        var masker = try JSONMasker(engine: engine, fieldCategories: ["$[*].name": "name"])
        masker.subjectLimit = SubjectReference.limitPerEvent   // as the blob gateway masks
        masker.parallelism = parallelism
        var best = Double.infinity
        var hits = 0, distinct = 0
        for _ in 0..<repetitions {
            let time = try ContinuousClock().measure {
                let result = try masker.mask(document)
                (hits, distinct) = (result.hits.count, result.distinctSubjects)
            }
            best = min(best, seconds(time))
        }
        let rate = Int((Double(document.count) / 1_048_576 / best).rounded())
        line += parallelism == 1 ? " \(rate) MB/s on 1 core (\(distinct) distinct subjects, \(hits) kept)," : " \(rate) MB/s on \(cores) cores"
    }
    print(line)
}

/// Lines like `bench/kube_exec_compare.py`'s log through `StreamingTextMasker` in 32 KiB reads,
/// as exec output is masked.
func measureStream(_ name: String, _ text: [UInt8], chunk: Int = 32 << 10) {
    var best = Double.infinity
    var out = 0
    for _ in 0..<repetitions {
        let time = ContinuousClock().measure {
            var masker = StreamingTextMasker(engine: engine)
            out = 0
            text.withUnsafeBytes { all in
                var start = 0
                while start < all.count {
                    let end = min(start + chunk, all.count)
                    out += masker.feed(UnsafeRawBufferPointer(rebasing: all[start..<end])).bytes.count
                    start = end
                }
            }
            out += masker.finish().bytes.count
        }
        best = min(best, seconds(time))
    }
    let megabytes = Double(text.count) / 1_048_576
    print("\(name): \(Int(megabytes.rounded())) MB | streaming masker \(Int((megabytes / best).rounded())) MB/s, \(out) bytes out")
}

func logLines(megabytes: Int) -> [UInt8] {
    let line = Array("2026-12-07T10:00:00Z INFO request handled path=/orders/1234 status=200 duration_ms=12 region=eu-west\n".utf8)
    var text: [UInt8] = []
    while text.count < megabytes << 20 { text += line }
    return text
}

// `masking-benchmark [text] [json] [log]`: all three when none is named.
let selected = Set(CommandLine.arguments.dropFirst())
func wanted(_ name: String) -> Bool { selected.isEmpty || selected.contains(name) }
print("masking-benchmark: best of \(repetitions) runs, single core unless stated")
if wanted("text") {
    measure("prose without digits (scan floor)", generate(megabytes: 64, dense: false, numbers: false))
    measure("text without identifiers", generate(megabytes: 64, dense: false))
    measure("text dense with identifiers", generate(megabytes: 64, dense: true))
}
if wanted("log") {
    measureStream("log lines (exec output)", logLines(megabytes: 64))
    measureStream("text dense with identifiers (exec output)", generate(megabytes: 64, dense: true))
}
if wanted("json") { try measureJSON("JSON customer export (blob download)", customerExport(megabytes: 64)) }
