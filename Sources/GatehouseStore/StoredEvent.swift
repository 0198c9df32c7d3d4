import GatehouseCore

/// An event as read back from the log, with its position in it.
public struct StoredEvent: Sendable, Equatable {
    /// The `seq` column: append order, from 1.
    public var sequence: Int64
    /// Times are stored to the millisecond, so this equals the recorded event up to that.
    public var event: GatehouseEvent

    public init(sequence: Int64, event: GatehouseEvent) {
        self.sequence = sequence
        self.event = event
    }
}
