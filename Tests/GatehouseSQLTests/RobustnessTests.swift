import Foundation
import GatehouseCore
import Testing

@testable import GatehouseSQL

@Suite("No crash on any input")
struct RobustnessTests {
    @Test func textWithANulByteIsNotAnalysable() {
        // Cut at the NUL, this would be a harmless SELECT 1.
        let analyses = sharedAnalyzer.analyze("SELECT 1\u{0}; DROP TABLE customers")
        #expect(analyses.count == 1)
        #expect(!analyses[0].analysable)
        #expect(analyses[0].kind == .unknown)
        #expect(analyses[0].limitation == "statement text contains a NUL byte")
    }

    @Test func deeplyNestedExpressionsAreRefusedNotFatal() {
        // libpg_query writes its tree recursively: this segfaults a default 8 MiB stack.
        let chain = "SELECT " + String(repeating: "1+", count: 100_000) + "1"
        let analyses = sharedAnalyzer.analyze(chain)
        #expect(analyses.count == 1)
        #expect(!analyses[0].analysable)
        #expect(analyses[0].limitation == "statement nests too deeply to analyse")

        let parentheses =
            "SELECT " + String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000)
        #expect(!sharedAnalyzer.analyze(parentheses)[0].analysable)
    }

    @Test func longButShallowStatementsAreAnalysed() {
        let rows = (0..<5_000).map { "(\($0), 'user\($0)@example.com')" }.joined(separator: ", ")
        let analyses = sharedAnalyzer.analyze("INSERT INTO customers (id, email) VALUES " + rows)
        #expect(analyses.count == 1)
        #expect(analyses[0].analysable)
        #expect(analyses[0].writes == [table("customers")])
    }

    @Test func textsBeyondTheSizeLimitAreNotParsed() {
        let huge = "SELECT '" + String(repeating: "x", count: StatementAnalyzer.maximumTextBytes) + "'"
        let analyses = sharedAnalyzer.analyze(huge)
        #expect(analyses.count == 1)
        #expect(!analyses[0].analysable)
    }

    @Test func callersWithSmallStacksAreSafe() {
        // A macOS-sized (512 KiB) thread stack is too small to walk the deepest statements
        // the parser accepts: the analyzer must notice and use a thread of its own.
        let chain = "SELECT " + String(repeating: "1+", count: 1_000) + "1"
        let subqueries = (1...160).map { depth in
            "SELECT " + String(repeating: "(SELECT a FROM t WHERE ", count: depth) + "b"
                + String(repeating: ")", count: depth)
        }
        let analyzer = StatementAnalyzer()
        let analysable = LargeStackThread.run(stackSize: 512 << 10) {
            _ = analyzer.analyze(chain)
            return subqueries.filter { analyzer.analyze($0).allSatisfy(\.analysable) }.count
        }
        // The deepest are refused as too deeply nested; the others are fully walked.
        #expect(analysable > 60)
        #expect(analysable < subqueries.count)
    }

    @Test func callerStackIsMeasured() {
        let remaining = LargeStackThread.run(stackSize: 4 << 20) { CallerStack.remainingBytes() }
        // At least what was asked for, less what the thread has used so far (glibc may
        // hand out a larger cached stack).
        #expect((remaining ?? 0) > 3 << 20)
    }

    @Test func garbledInputNeverCrashes() {
        var random = SplitMix64(seed: 0x6A7E_4005_E5A1)
        let analyzer = StatementAnalyzer(cacheCapacity: 64)
        var inputs: [String] = []
        for _ in 0..<150 { inputs.append(Self.randomBytes(&random)) }
        for _ in 0..<150 { inputs.append(Self.tokenSoup(&random)) }
        for _ in 0..<150 {
            inputs.append(Self.mutated(Self.seeds[Int(random.next() % UInt64(Self.seeds.count))], &random))
        }
        inputs += [
            "'unterminated", "\"unterminated", "/* unterminated", "$$ unterminated", "$a$ x $b$",
            String(repeating: "SELECT 1;", count: 2_000), String(repeating: "ARRAY[", count: 5_000),
            String(repeating: "-", count: 10_000), "\u{FEFF}SELECT 1", "SELECT '\u{1F600}'", "\u{0}",
            "SELECT E'\\xff\\x00'", "SELECT U&'\\0000'", "SELECT $1$2$3", "SELECT 1 \u{0} 2",
        ]
        for input in inputs {
            let analyses = analyzer.analyze(input)
            #expect(!analyses.isEmpty)
            if input.utf8.contains(0) { #expect(analyses.allSatisfy { !$0.analysable }) }
            for analysis in analyses where !analysis.analysable { #expect(analysis.limitation != nil) }
        }
    }

    // MARK: - Input generators

    static let seeds = [
        "SELECT c.email, upper(c.name) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.total > $1",
        "WITH x AS (SELECT * FROM t) INSERT INTO u (a) SELECT a FROM x ON CONFLICT (a) DO UPDATE SET a = excluded.a RETURNING *",
        "UPDATE t SET a = (SELECT max(b) FROM u WHERE u.id = t.id) FROM v WHERE v.x = t.x RETURNING t.*",
        "COPY (SELECT * FROM t) TO STDOUT WITH (FORMAT csv); BEGIN; SET x = 1; COMMIT",
        "CREATE TABLE t (id int PRIMARY KEY, email text CHECK (email LIKE '%@%'), ref int REFERENCES u(id))",
        "SELECT * FROM a NATURAL JOIN b, LATERAL unnest(b.arr) WITH ORDINALITY AS u(v, n) WINDOW w AS (PARTITION BY v)",
    ]

    static let tokens = [
        "SELECT", "FROM", "WHERE", "JOIN", "ON", "(", ")", ",", ";", "*", ".", "t", "\"Q\"", "'s'", "$1",
        "1", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "=", "WITH", "AS", "UNION", "CASE", "WHEN",
        "END", "::", "int", "LATERAL", "RETURNING", "COPY", "DO", "$$", "--", "/*", "*/", "[", "]",
        "ARRAY", "EXISTS", "NOT", "NULL", "GROUP", "BY", "ORDER", "\u{0}", "é", "\u{1F600}",
    ]

    static func randomBytes(_ random: inout SplitMix64) -> String {
        let count = Int(random.next() % 200)
        let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        // Invalid UTF-8 becomes replacement characters, as it would from a client.
        return String(decoding: bytes, as: UTF8.self)
    }

    static func tokenSoup(_ random: inout SplitMix64) -> String {
        let count = Int(random.next() % 60)
        return (0..<count).map { _ in tokens[Int(random.next() % UInt64(tokens.count))] }.joined(separator: " ")
    }

    static func mutated(_ seed: String, _ random: inout SplitMix64) -> String {
        let insertions = Array("();'\"$*.,\u{0}x")
        var characters = Array(seed)
        for _ in 0..<Int(1 + random.next() % 6) where !characters.isEmpty {
            let position = Int(random.next() % UInt64(characters.count))
            switch random.next() % 3 {
            case 0: characters.remove(at: position)
            case 1: characters.insert(insertions[Int(random.next() % UInt64(insertions.count))], at: position)
            default: characters.swapAt(position, Int(random.next() % UInt64(characters.count)))
            }
        }
        return String(characters)
    }
}

/// A small deterministic generator, so a failing input can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
