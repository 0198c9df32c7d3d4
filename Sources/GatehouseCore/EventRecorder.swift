/// Where events go. A recorder reports success only once the events are durably committed; on
/// failure the caller must not let the described action happen (fail closed).
///
/// The primitive is a completion callback, so a protocol adapter on an event loop can wait for
/// a commit without hopping through extra threads; `record(_:) async` wraps it.
public protocol EventRecorder: Sendable {
    /// Durably appends the events, in order, then calls `completion` (on any thread) with their
    /// sequence numbers, or with the error that kept them from being recorded.
    func record(_ events: [GatehouseEvent], completion: @escaping @Sendable (Result<[Int64], Error>) -> Void)
}

extension EventRecorder {
    /// Durably appends the events, in order; returns their sequence numbers.
    @discardableResult
    public func record(_ events: [GatehouseEvent]) async throws -> [Int64] {
        try await withCheckedThrowingContinuation { continuation in
            record(events) { continuation.resume(with: $0) }
        }
    }
}

/// Raised by recorders when an event cannot be committed.
public struct RecordingError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
