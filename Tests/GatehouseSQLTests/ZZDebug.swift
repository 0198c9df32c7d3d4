import Foundation
import GatehouseCore
import Testing
@testable import GatehouseSQL

@Test func zzDebugDump() throws {
    guard let path = ProcessInfo.processInfo.environment["SQL_DUMP"] else { return }
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for sql in text.components(separatedBy: "\n----\n") where !sql.isEmpty {
        for a in sharedAnalyzer.analyze(sql) {
            print("== \(a.text)\n kind=\(a.kind) analysable=\(a.analysable) limitation=\(a.limitation ?? "-")\n reads=\(a.reads) writes=\(a.writes)\n columns=\(a.columns)")
            for o in a.outputs { print("  out \(o.name) <- \(o.sources)") }
        }
    }
}

@Test func zzDebugStack() throws {
    guard let kb = ProcessInfo.processInfo.environment["STACK_KB"].flatMap(Int.init),
          let depth = ProcessInfo.processInfo.environment["DEPTH"].flatMap(Int.init) else { return }
    let sql = "SELECT " + String(repeating: "(SELECT a FROM t WHERE ", count: depth) + "b" + String(repeating: ")", count: depth)
    let r = LargeStackThread.run(stackSize: kb << 10) { StatementAnalyzer().analyze(sql) }
    print("RESULT depth=\(depth) bytes=\(sql.utf8.count) analysable=\(r[0].analysable) \(r[0].limitation ?? "")")
}

@Test func zzDebugTiming() throws {
    guard ProcessInfo.processInfo.environment["TIMING"] != nil else { return }
    let base = "SELECT c.id, c.email, upper(c.name), o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id = "
    let analyzer = StatementAnalyzer()
    var t0 = Date()
    for i in 0..<2000 { _ = analyzer.analyze(base + "\(i)") }
    print("RESULT inline per miss µs:", Date().timeIntervalSince(t0) / 2000 * 1e6)
    t0 = Date()
    for i in 0..<2000 { _ = LargeStackThread.run(stackSize: 16 << 20) { StatementDescriber.describe(base + "\(i)") } }
    print("RESULT thread per miss µs:", Date().timeIntervalSince(t0) / 2000 * 1e6)
    t0 = Date()
    for i in 0..<2000 { _ = PostgresParser.parse(base + "\(i)") }
    print("RESULT parse only µs:", Date().timeIntervalSince(t0) / 2000 * 1e6)
    t0 = Date()
    for _ in 0..<20000 { _ = analyzer.analyze(base + "1") }
    print("RESULT hit µs:", Date().timeIntervalSince(t0) / 20000 * 1e6)
}

@Test func zzDebugStackSize() throws {
    guard ProcessInfo.processInfo.environment["TIMING"] != nil else { return }
    for mb in [1, 4, 16] {
        let remaining = LargeStackThread.run(stackSize: mb << 20) { CallerStack.remainingBytes() }
        print("RESULT \(mb) MiB -> \(remaining ?? -1)")
    }
    print("RESULT caller -> \(CallerStack.remainingBytes() ?? -1)")
}

@Test func zzDebugShapes() throws {
    guard let kb = ProcessInfo.processInfo.environment["SHAPES_KB"].flatMap(Int.init) else { return }
    func nest(_ open: String, _ middle: String, _ close: String, _ n: Int) -> String {
        String(repeating: open, count: n) + middle + String(repeating: close, count: n)
    }
    let shapes: [(String, (Int) -> String)] = [
        ("from", { "SELECT * FROM " + nest("(SELECT * FROM ", "t", ") a", $0) }),
        ("joins", { "SELECT * FROM " + nest("(t JOIN ", "u", " ON true)", $0) }),
        ("funcs", { "SELECT " + nest("lower(", "x", ")", $0) + " FROM t" }),
        ("case", { "SELECT " + nest("CASE WHEN a THEN ", "b", " END", $0) + " FROM t" }),
        ("ctes", { nest("WITH a AS (", "SELECT 1", ") SELECT * FROM a", $0) }),
        ("arrays", { "SELECT " + nest("ARRAY[", "1", "]", $0) }),
        ("sublinks", { "SELECT 1 FROM t WHERE " + nest("EXISTS (SELECT 1 FROM t WHERE ", "true", ")", $0) }),
        ("bool", { "SELECT 1 FROM t WHERE " + nest("(a OR (b AND ", "c", "))", $0) }),
        ("setops", { nest("(SELECT 1 UNION ", "SELECT 2", ")", $0) }),
        ("insert", { nest("WITH a AS (INSERT INTO t ", "SELECT 1", " RETURNING *) SELECT * FROM a", $0) }),
    ]
    for (name, make) in shapes {
        var deepest = 0
        var n = 1
        while n < 2000 {
            let r = StatementDescriber.describe(make(n))
            if r.allSatisfy(\.analysable) { deepest = n } else if r.first?.limitation?.contains("deeply") == true || r.first?.limitation?.contains("memory") == true || r.first?.limitation?.contains("stack") == true { break } else { print("RESULT \(name) n=\(n) other: \(r.first?.limitation ?? "")"); break }
            n += 1
        }
        let sql = make(deepest)
        let ok = LargeStackThread.run(stackSize: kb << 10) { StatementDescriber.describe(sql).allSatisfy(\.analysable) }
        print("RESULT \(name) deepest=\(deepest) bytes=\(sql.utf8.count) ok-in-\(kb)KiB=\(ok)")
    }
}
