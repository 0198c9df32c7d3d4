/// Where events go. `record` returns only once the events are durably committed; if it throws,
/// the caller must not let the described action happen (fail closed).
public protocol EventRecorder: Sendable {
    /// Durably appends the events, in order; returns their sequence numbers.
    @discardableResult
    func record(_ events: [GatehouseEvent]) async throws -> [Int64]
}

/// Raised by recorders when an event cannot be committed.
public struct RecordingError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
