extension ApprovalBroker {
    /// Puts `request` to the approvers and waits for its resolution: what an adapter does while
    /// the client's request stays open. `onSubmitted` runs once the request is with the broker
    /// (to record that notifications went out). Cancelling the waiting task (the client went
    /// away) cancels the request.
    public func resolution(of request: ApprovalRequest, onSubmitted: @escaping @Sendable () -> Void = {}) async -> ApprovalResolution {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ApprovalResolution, Never>) in
                submit(request) { continuation.resume(returning: $0) }
                onSubmitted()
            }
        } onCancel: {
            _ = cancel(request.id)
        }
    }
}
