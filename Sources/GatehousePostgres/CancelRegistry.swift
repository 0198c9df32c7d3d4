import GatehousePostgresWire
import NIOConcurrencyHelpers

/// Maps the BackendKeyData the gateway gave each client to the upstream session it fronts, so a
/// CancelRequest (which arrives on a new, unauthenticated connection) reaches the right server.
final class CancelRegistry: Sendable {
    struct Target: Sendable {
        let secretKey: Int32
        let upstreamKey: BackendKey
        let connector: UpstreamConnector
        /// Withdraws the session's held statement, if one waits for approval (the server has
        /// nothing to cancel then).
        let cancelHeld: @Sendable () -> Void
    }

    private let targets = NIOLockedValueBox<[Int32: Target]>([:])

    /// Issues a fresh, unguessable key for a session and remembers where it leads.
    func register(upstreamKey: BackendKey, connector: UpstreamConnector, cancelHeld: @escaping @Sendable () -> Void = {}) -> BackendKey {
        targets.withLockedValue { targets in
            var processID: Int32
            repeat { processID = Int32.random(in: 1...Int32.max) } while targets[processID] != nil
            let key = BackendKey(processID: processID, secretKey: Int32.random(in: Int32.min...Int32.max))
            targets[processID] = Target(secretKey: key.secretKey, upstreamKey: upstreamKey, connector: connector, cancelHeld: cancelHeld)
            return key
        }
    }

    func unregister(_ key: BackendKey) {
        targets.withLockedValue { _ = $0.removeValue(forKey: key.processID) }
    }

    /// The target of a cancel request, when its secret matches (compared in constant time).
    func target(for key: BackendKey) -> Target? {
        guard let target = targets.withLockedValue({ $0[key.processID] }) else { return nil }
        let difference = UInt32(bitPattern: target.secretKey ^ key.secretKey)
        return difference == 0 ? target : nil
    }
}
