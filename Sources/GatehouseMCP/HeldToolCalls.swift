import Foundation
import MCP

/// A call's final answer, with what its response event records.
struct FinishedCall: Sendable, Error {
    var result: CallTool.Result
    var outcome: String
    var error: String?
    var rows: Int?
    var truncated: Bool?
    /// The gateway's own PostgreSQL session the statement ran in.
    var postgresSession: String?
}

/// The calls of one MCP session that an approval request holds: the statement (or Blob request)
/// goes on waiting in the gateway after the agent was answered, and `approval_status` collects
/// its result here. Ending the MCP session cancels them, which withdraws the requests.
actor HeldToolCalls {
    private struct Entry {
        let approvalURL: String?
        /// Ends the waiting work (its session, or its task), which withdraws the request.
        let cancel: @Sendable () -> Void
        var finished: FinishedCall?
        /// `approval_status` calls waiting for the decision, by waiter.
        var waiters: [UUID: CheckedContinuation<FinishedCall?, Never>] = [:]
    }

    private var entries: [String: Entry] = [:]

    /// Keeps the call until its answer is collected; `answer` finishes when the statement does.
    func add(requestID: String, approvalURL: String?, cancel: @escaping @Sendable () -> Void, answer: Task<FinishedCall, Never>) {
        entries[requestID] = Entry(approvalURL: approvalURL, cancel: cancel)
        Task { self.finish(requestID, with: await answer.value) }
    }

    private func finish(_ requestID: String, with finished: FinishedCall) {
        guard var entry = entries[requestID] else { return }
        entry.finished = finished
        for waiter in entry.waiters.values { waiter.resume(returning: finished) }
        entry.waiters = [:]
        entries[requestID] = entry
    }

    enum State {
        case unknown
        case pending(approvalURL: String?)
        case finished(FinishedCall)
    }

    /// The call's state, waiting up to `waitSeconds` for a decision. A finished call is handed out
    /// once and forgotten.
    func state(of requestID: String, waitSeconds: Int) async -> State {
        guard let entry = entries[requestID] else { return .unknown }
        var finished = entry.finished
        if finished == nil, waitSeconds > 0 {
            let waiter = UUID()
            finished = await withCheckedContinuation { continuation in
                entries[requestID]?.waiters[waiter] = continuation
                Task {
                    try? await Task.sleep(for: .seconds(waitSeconds))
                    self.giveUp(requestID, waiter: waiter)
                }
            }
        }
        guard let finished else { return .pending(approvalURL: entry.approvalURL) }
        entries[requestID] = nil
        return .finished(finished)
    }

    private func giveUp(_ requestID: String, waiter: UUID) {
        entries[requestID]?.waiters.removeValue(forKey: waiter)?.resume(returning: nil)
    }

    /// Ends every held call's session (the MCP session ended).
    func closeAll() {
        for entry in entries.values {
            entry.cancel()
            for waiter in entry.waiters.values { waiter.resume(returning: nil) }
        }
        entries = [:]
    }
}
