import Dispatch
import GatehouseCore
import Testing

@testable import GatehouseSQL

@Suite("Caching")
struct CacheTests {
    @Test func aRepeatedTextIsParsedOnce() {
        let analyzer = StatementAnalyzer()
        let first = analyzer.analyze("SELECT email FROM customers WHERE id = $1")
        let second = analyzer.analyze("SELECT email FROM customers WHERE id = $1")
        #expect(first == second)
        #expect(analyzer.parserInvocations == 1)
        _ = analyzer.analyze("SELECT email FROM customers WHERE id = $2")
        #expect(analyzer.parserInvocations == 2)
    }

    @Test func theLeastRecentlyUsedTextIsDropped() {
        // Utility statements: cached by exact text only (see LiteralShapeTests for DML).
        let analyzer = StatementAnalyzer(cacheCapacity: 2)
        _ = analyzer.analyze("SHOW a")
        _ = analyzer.analyze("SHOW b")
        _ = analyzer.analyze("SHOW a")  // now the most recent
        _ = analyzer.analyze("SHOW c")  // drops SHOW b
        #expect(analyzer.parserInvocations == 3)
        _ = analyzer.analyze("SHOW a")
        #expect(analyzer.parserInvocations == 3)
        _ = analyzer.analyze("SHOW b")
        #expect(analyzer.parserInvocations == 4)
    }

    @Test func concurrentUseGivesTheSameAnswers() {
        let analyzer = StatementAnalyzer(cacheCapacity: 8)
        let texts = (0..<32).map { "SELECT c\($0) FROM t\($0 % 5) WHERE id = $1" }
        DispatchQueue.concurrentPerform(iterations: 400) { iteration in
            let text = texts[iteration % texts.count]
            let result = analyzer.analyze(text)
            precondition(
                result.count == 1 && result[0].reads == [RelationName(name: "t\(iteration % texts.count % 5)")])
        }
    }

    @Test func lruCacheKeepsWithinItsCostLimit() {
        var cache = LRUCache<Int, String>(capacity: 10, costLimit: 100)
        for key in 0..<5 { cache.insert("v\(key)", for: key, cost: 30) }
        #expect(cache.totalCost <= 100)
        #expect(cache.count == 3)
        #expect(cache.value(for: 4) == "v4")
        #expect(cache.value(for: 1) == nil)
        cache.insert("huge", for: 99, cost: 1000)
        #expect(cache.value(for: 99) == nil)
    }
}
