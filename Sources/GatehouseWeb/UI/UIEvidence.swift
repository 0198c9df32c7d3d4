import GatehouseStore

/// The ledger as the UI reads it: sessions, timelines, status, inclusion proofs (`LedgerBrowser`),
/// and a whole-log verification run on demand (what `gatehouse audit verify` does).
public struct UIEvidence: @unchecked Sendable {
    /// The outcome of a verification: passed with a summary, or failed with the first problem.
    public struct Verification: Sendable, Equatable {
        public var passed: Bool
        public var message: String
        public init(passed: Bool, message: String) {
            self.passed = passed
            self.message = message
        }
    }

    // The store behind the browser serialises its own access.
    public var browser: LedgerBrowser
    public var verify: @Sendable () async -> Verification

    public init(browser: LedgerBrowser, verify: @escaping @Sendable () async -> Verification) {
        self.browser = browser
        self.verify = verify
    }
}
