import Foundation
import Testing

@testable import GatehouseWeb

/// Store lookups of unknown session cookies are budgeted (UISessionStore, shared store only).
@Suite struct LookupBudgetTests {
    /// How many of `count` takes at `time` the budget grants.
    private func granted(_ budget: inout LookupBudget, _ count: Int, at time: Date) -> Int {
        (0..<count).reduce(0) { total, _ in total + (budget.take(now: time) ? 1 : 0) }
    }

    @Test func aBurstBeyondTheBudgetIsRefusedAndTheBudgetRefills() {
        var budget = LookupBudget(perSecond: 20)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(granted(&budget, 25, at: start) == 20)
        #expect(granted(&budget, 25, at: start.addingTimeInterval(0.5)) == 10)
        // Idle for long: no more than a second's worth saved up.
        #expect(granted(&budget, 25, at: start.addingTimeInterval(3600)) == 20)
    }
}
