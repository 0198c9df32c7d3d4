// Masking engine throughput: MB/s on ~64 MB of prose without identifiers and on ~64 MB dense
// with them, single core. Run through bench/masking_throughput.sh (release build).
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

print("masking-benchmark: best of \(repetitions) runs, single core")
measure("prose without digits (scan floor)", generate(megabytes: 64, dense: false, numbers: false))
measure("text without identifiers", generate(megabytes: 64, dense: false))
measure("text dense with identifiers", generate(megabytes: 64, dense: true))
