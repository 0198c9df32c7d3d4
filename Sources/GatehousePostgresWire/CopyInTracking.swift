/// Whether the server is, or may be about to be, in copy-in mode (`COPY ... FROM STDIN` run by
/// an Execute), where it ignores Sync and Flush. libpq and pg8000 send Sync right after the
/// Execute, before the server has answered: whether the server will ignore that Sync depends on
/// whether the COPY starts, which only its answer tells. So the session holds such a Sync until
/// the answer comes, then forwards it (the COPY failed: the Sync ends the batch) or drops it
/// (copy-in started: the server would ignore it, so it must not be counted as a sync point).
/// Pure: the session reports what it forwarded and what came back.
public struct CopyInTracking: Sendable {
    public enum State: Sendable, Equatable {
        case idle
        /// An Execute of `COPY ... FROM STDIN` went upstream; the server has not answered it yet.
        case mayStart
        /// The server answered CopyInResponse and the client has not ended the copy.
        case active
    }

    /// What to do with a client's Sync now.
    public enum SyncHandling: Sendable, Equatable {
        case forward
        /// Keep it, and what follows, until `received` says the COPY's answer came.
        case hold
        /// The server is in copy-in and would ignore it.
        case drop
    }

    public private(set) var state = State.idle

    public init() {}

    public var syncHandling: SyncHandling {
        switch state {
        case .idle: return .forward
        case .mayStart: return .hold
        case .active: return .drop
        }
    }

    /// An Execute went upstream; `copiesFromClient`: its statement is `COPY ... FROM STDIN`.
    public mutating func executeForwarded(copiesFromClient: Bool) {
        if copiesFromClient { state = .mayStart }
    }

    /// A client message went upstream: CopyDone and CopyFail end copy-in.
    public mutating func clientForwarded(_ type: UInt8) {
        if state == .active, type == FrontendMessage.copyDoneType || type == FrontendMessage.copyFailType { state = .idle }
    }

    /// One server message. Returns true when a held Sync can now be handled (the COPY's answer
    /// came: CopyInResponse, or an ErrorResponse, its own or an earlier statement's that makes
    /// the server skip it).
    public mutating func received(_ type: UInt8) -> Bool {
        switch (state, type) {
        case (.mayStart, BackendMessage.copyInResponseType):
            state = .active
            return true
        case (.idle, BackendMessage.copyInResponseType):
            // A simple Query's COPY: a Sync the client sends during it is ignored all the same.
            state = .active
            return false
        case (.mayStart, BackendMessage.errorType), (.mayStart, BackendMessage.readyForQueryType):
            state = .idle
            return true
        case (.active, BackendMessage.errorType), (.active, BackendMessage.readyForQueryType):
            // The copy failed (or a simple Query's COPY ended): the server reads Syncs again.
            state = .idle
            return false
        default:
            return false
        }
    }
}
