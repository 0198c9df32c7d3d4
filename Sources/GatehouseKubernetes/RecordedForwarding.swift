/// Forwards a stream's chunks in order, each only once its ledger event is durable ("written
/// ahead of forwarding"), without waiting for one chunk's write before reading the next: each
/// chunk's recording starts at once, so the ledger commits a burst of chunks together, and its
/// forwarding waits for its own recording and for the chunk before it. A recording that fails
/// fails its forwarding and every later one: nothing unrecorded passes. Used by one task at a
/// time (a relay direction).
public struct RecordedForwarding {
    private var inFlight: [Task<Void, Error>] = []
    /// Chunks recorded or forwarded but not yet known done; reading waits beyond this.
    private let window: Int

    public init(window: Int = 64) {
        self.window = window
    }

    /// Starts recording the chunk and schedules its forwarding; waits while `window` chunks are
    /// still in flight. Throws the failure of an earlier chunk's recording or forwarding.
    public mutating func submit(record: (@Sendable () async throws -> Void)?, forward: @escaping @Sendable () async throws -> Void) async throws {
        let recording = record.map { record in Task { try await record() } }
        let previous = inFlight.last
        inFlight.append(Task {
            try await previous?.value
            try await recording?.value
            try await forward()
        })
        while inFlight.count > window { try await inFlight.removeFirst().value }
    }

    /// Forwards without a recording of its own, in order after the chunks before it.
    public mutating func submit(forward: @escaping @Sendable () async throws -> Void) async throws {
        try await submit(record: nil, forward: forward)
    }

    /// Waits until every submitted chunk is forwarded.
    public mutating func drain() async throws {
        while !inFlight.isEmpty { try await inFlight.removeFirst().value }
    }
}
