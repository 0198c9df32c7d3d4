import Foundation

/// Carries one append's result from the writer thread to a caller blocked in `append(_:)`.
final class LedgerAppendOutcome: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by `finish` before `done` is signalled, read only after waiting on it.
    private var result: Result<LedgerAppend, Error>?

    func finish(_ result: Result<LedgerAppend, Error>) {
        self.result = result
        done.signal()
    }

    func wait() throws -> LedgerAppend {
        done.wait()
        return try result!.get()
    }
}
