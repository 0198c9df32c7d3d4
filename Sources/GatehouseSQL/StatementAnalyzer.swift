import Foundation
import GatehouseCore

/// Describes SQL text with PostgreSQL's own parser: one `StatementAnalysis` per statement.
///
/// Results are cached by exact text, so a statement a client repeats is parsed once.
public final class StatementAnalyzer: Sendable {
    /// Texts longer than this are not parsed: see `LargeStackThread` for why length matters.
    static let maximumTextBytes = 1 << 20
    /// Texts up to this length parse on the caller's thread; longer ones get their own stack.
    static let inlineTextBytes = 2048
    /// Stack needed per byte of text, with a wide margin over the measured 45 bytes.
    static let stackBytesPerTextByte = 128
    static let baseStackBytes = 16 << 20

    private let cache: LockedAnalysisCache

    /// - Parameter cacheCapacity: how many distinct texts to remember (least recently used
    ///   ones are dropped first; the cache also stays under 64 MiB of text).
    public init(cacheCapacity: Int = 4096) {
        cache = LockedAnalysisCache(capacity: cacheCapacity, costLimit: 64 << 20)
    }

    /// One `StatementAnalysis` per statement in `sql`, each with its own trimmed text.
    /// Empty or comment-only input gives one analysis of kind `.empty`; text the parser
    /// rejects gives one unanalysable analysis of kind `.unknown` carrying the parser's error.
    public func analyze(_ sql: String) -> [StatementAnalysis] {
        if let cached = cache.lookup(sql) { return cached }
        let analyses = describe(sql)
        cache.store(analyses, for: sql)
        return analyses
    }

    /// How many times the parser has run: lets tests prove the cache works.
    var parserInvocations: Int { cache.parserInvocations }

    private func describe(_ sql: String) -> [StatementAnalysis] {
        let byteCount = sql.utf8.count
        if sql.utf8.contains(0) {
            // The parser reads a C string; a NUL would silently cut the statement short.
            return [.unanalysable(sql, because: "statement text contains a NUL byte")]
        }
        if byteCount > Self.maximumTextBytes {
            return [.unanalysable(sql, because: "statement text is longer than \(Self.maximumTextBytes) bytes")]
        }
        cache.countParserInvocation()
        if byteCount <= Self.inlineTextBytes { return StatementDescriber.describe(sql) }
        let stackSize = Self.baseStackBytes + byteCount * Self.stackBytesPerTextByte
        return LargeStackThread.run(stackSize: stackSize) { StatementDescriber.describe(sql) }
    }
}

/// The analyzer's mutable state, behind a lock.
private final class LockedAnalysisCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: LRUCache<String, [StatementAnalysis]>
    private var invocations = 0

    init(capacity: Int, costLimit: Int) {
        entries = LRUCache(capacity: capacity, costLimit: costLimit)
    }

    func lookup(_ text: String) -> [StatementAnalysis]? {
        lock.withLock { entries.value(for: text) }
    }

    func store(_ analyses: [StatementAnalysis], for text: String) {
        // Cost approximates memory: the key plus each statement's copy of its text.
        let cost = text.utf8.count + analyses.reduce(0) { $0 + $1.text.utf8.count } + 64
        lock.withLock { entries.insert(analyses, for: text, cost: cost) }
    }

    func countParserInvocation() {
        lock.withLock { invocations += 1 }
    }

    var parserInvocations: Int { lock.withLock { invocations } }
}

extension StatementAnalysis {
    /// A statement the analysis could not describe; policy must assume the worst of it.
    static func unanalysable(_ text: String, because reason: String) -> StatementAnalysis {
        StatementAnalysis(
            text: text.trimmingCharacters(in: .whitespacesAndNewlines), kind: .unknown,
            analysable: false, limitation: reason)
    }
}
