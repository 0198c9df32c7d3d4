/// The event store cannot be opened or read. (Failures to record are `RecordingError`s, as
/// the `EventRecorder` protocol says.)
public struct EventStoreError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
