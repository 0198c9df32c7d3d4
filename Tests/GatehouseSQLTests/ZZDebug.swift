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
