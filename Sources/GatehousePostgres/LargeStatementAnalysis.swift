import Foundation
import GatehouseCore
import GatehouseSQL
import NIOCore

/// Where long statements are analysed: one at a time, on a thread of their own, never on an
/// event loop. Parsing a statement of a megabyte takes seconds and a gigabyte or more of memory
/// (a 1 MB `IN (...)` list: measured in docs/security.md, "Limits"); on an event loop that
/// would stall every other session the loop relays, and several at once would multiply the
/// memory. Short statements, the vast majority, are analysed in place: handing them over would
/// cost more than analysing them.
final class LargeStatementAnalysis: Sendable {
    /// Statements longer than this are analysed here.
    static let thresholdBytes = 32 * 1024

    private let analyzer: StatementAnalyzer
    private let queue = DispatchQueue(label: "gatehouse.large-statement-analysis", qos: .utility)

    init(analyzer: StatementAnalyzer) { self.analyzer = analyzer }

    /// glibc's `malloc_trim`, looked up at run time (it is not in the Glibc module's headers);
    /// nil where the C library has none.
    private static let returnFreedMemory: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()

    /// Analyses `text` after every long statement submitted before it, then completes the
    /// future on `eventLoop`.
    func analyze(_ text: String, on eventLoop: EventLoop) -> EventLoopFuture<[StatementAnalysis]> {
        let promise = eventLoop.makePromise(of: [StatementAnalysis].self)
        let analyzer = analyzer
        queue.async {
            let analyses = analyzer.analyze(text)
            // The parse tree's memory went back to malloc, which keeps it: return it to the
            // system now rather than hold the peak for the life of the process.
            Self.returnFreedMemory?(0)
            promise.succeed(analyses)
        }
        return promise.futureResult
    }
}
