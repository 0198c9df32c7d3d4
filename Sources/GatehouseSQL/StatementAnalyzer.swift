import Foundation
import GatehouseCore

/// Describes SQL text with PostgreSQL's own parser: one `StatementAnalysis` per statement.
///
/// Results are cached by exact text, so a statement a client repeats is parsed once, and DML
/// statements also by shape (literals left out), so one that differs only in its literal
/// values is not parsed again.
public final class StatementAnalyzer: Sendable {
    /// Texts longer than this are not parsed: see `LargeStackThread` for why length matters.
    static let maximumTextBytes = 1 << 20
    /// Stack the parser needs per byte of text: a wide margin over the 45 bytes measured
    /// for the worst case found (a left-deep `1+1+...` chain).
    static let parserStackBytesPerTextByte = 96
    /// Stack the tree walk needs at most: its depth is bounded (by the JSON reader's limit
    /// of 512 levels and `StatementWalker.maximumDepth`), and the deepest statements
    /// accepted were measured to need under 1.5 MiB in a debug build.
    static let walkStackBytes = 4 << 20

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
        // Texts the parser would refuse (see `describe`) are not shape-cached either.
        let shape = sql.utf8.count <= Self.maximumTextBytes && !sql.utf8.contains(0) ? LiteralShape.of(sql) : nil
        if let shape, var analysis = cache.lookupShape(shape) {
            analysis.text = Self.singleStatementText(sql)
            return [analysis]
        }
        let analyses = describe(sql)
        cache.store(analyses, for: sql)
        if let shape, analyses.count == 1, Self.isLiteralInsensitive(analyses[0]),
           analyses[0].text == Self.singleStatementText(sql) {
            cache.storeShape(analyses[0], for: shape)
        }
        return analyses
    }

    /// DML analyses record relations, columns and lineage, never literal values (COPY, whose
    /// options and file names are literals, is a utility statement).
    /// `set_config` is the exception: whether it is allowed depends on its literal setting name.
    static func isLiteralInsensitive(_ analysis: StatementAnalysis) -> Bool {
        [.select, .insert, .update, .delete, .merge].contains(analysis.kind) && analysis.analysable && analysis.copy == nil
            && analysis.forbidden == nil && !analysis.functions.contains { $0 == "set_config" || $0.hasSuffix(".set_config") }
    }

    /// The text the parser gives a lone statement: trimmed, without a final semicolon.
    static func singleStatementText(_ sql: String) -> String {
        let trimmed = sql.trimmedSQL
        guard trimmed.hasSuffix(";") else { return trimmed }
        return String(trimmed.dropLast()).trimmedSQL
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
        // Analyse on the caller's thread when its stack has room; otherwise (a long text,
        // or a caller with a small stack) on a thread with a stack large enough.
        let stackNeeded = Self.walkStackBytes + byteCount * Self.parserStackBytesPerTextByte
        if let remaining = CallerStack.remainingBytes(), remaining > stackNeeded {
            return StatementDescriber.describe(sql)
        }
        return LargeStackThread.run(stackSize: stackNeeded + (1 << 20)) { StatementDescriber.describe(sql) }
    }
}

/// The analyzer's mutable state, behind a lock.
private final class LockedAnalysisCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: LRUCache<String, [StatementAnalysis]>
    /// Analyses of literal-free statement shapes (see `LiteralShape`).
    private var shapes: LRUCache<String, StatementAnalysis>
    private var invocations = 0

    init(capacity: Int, costLimit: Int) {
        entries = LRUCache(capacity: capacity, costLimit: costLimit)
        shapes = LRUCache(capacity: capacity, costLimit: costLimit)
    }

    func lookup(_ text: String) -> [StatementAnalysis]? {
        lock.withLock { entries.value(for: text) }
    }

    func lookupShape(_ shape: String) -> StatementAnalysis? {
        lock.withLock { shapes.value(for: shape) }
    }

    func storeShape(_ analysis: StatementAnalysis, for shape: String) {
        let cost = shape.utf8.count + analysis.text.utf8.count + 64
        lock.withLock { shapes.insert(analysis, for: shape, cost: cost) }
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
            text: text.trimmedSQL, kind: .unknown,
            analysable: false, limitation: reason)
    }
}
