import GatehousePostgresWire
import NIOCore

/// Knowing when the server has answered everything forwarded (`PendingAnswers`): the moment the
/// gateway may slip in a statement of its own (a role switch) and know that the next answers
/// are that statement's, or tell whether the server will ignore a simple Query sent inside a
/// failed extended-protocol batch.
extension PostgresSession {
    /// Runs `action` once the server has answered everything forwarded so far; client frames
    /// wait meanwhile. A batch's answers may sit in the server's buffer until a Flush: one goes.
    func whenServerQuiet(_ action: @escaping () -> Void) {
        quietWaiter = action
        if !pendingAnswers.isEmpty { forwardHidden([FrontendMessage.flush()]) }
        serverMayBeQuiet()
    }

    /// Called after every server message.
    func serverMayBeQuiet() {
        guard !ended, let waiter = quietWaiter, pendingAnswers.isEmpty else { return }
        quietWaiter = nil
        waiter()
    }

    /// A simple Query inside an extended-protocol batch (no Sync since its messages): the server
    /// answers it like any Query unless a message of the batch failed, in which case it ignores
    /// it as it ignores everything up to Sync. The gateway waits to know which, and does the
    /// same: otherwise its expectations of the answers would be one statement off.
    func queryInsideBatch(_ frame: PostgresFrame, then run: @escaping (PostgresFrame) -> Void) {
        whenServerQuiet { [self] in
            // Dropped when the server would ignore it: it never runs, and is not recorded as run.
            if !pendingAnswers.skippingUntilSync { run(frame) }
            drainHeldFrames()
        }
    }

    /// Gateway-made frames: not the client's, so no answer to them is expected by anyone else.
    func forwardHidden(_ frames: [PostgresFrame]) {
        for frame in frames { writeUpstream(frame) }
        flushUpstream()
    }

    func notePendingAnswers(forwarded type: UInt8) {
        pendingAnswers.forwarded(type)
        switch type {
        case FrontendMessage.syncType, FrontendMessage.queryType: extendedSinceSync = false
        case FrontendMessage.parseType, FrontendMessage.bindType, FrontendMessage.describeType,
             FrontendMessage.executeType, FrontendMessage.closeType: extendedSinceSync = true
        default: break
        }
    }
}
