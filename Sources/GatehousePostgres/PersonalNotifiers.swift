import NIOConcurrencyHelpers

/// The upstream backends (by process ID) of gateway sessions that ran a statement which read
/// personal data and could send a notification (`pg_notify`, `NOTIFY`, code the gateway cannot
/// see into). Their payloads reach listeners, in any session, masked whole by that category:
/// a payload can carry anything the statement read, in any shape.
final class PersonalNotifiers: Sendable {
    private let categories = NIOLockedValueBox<[Int32: String]>([:])

    func mark(_ processID: Int32, category: String) {
        categories.withLockedValue { $0[processID] = $0[processID] ?? category }
    }

    func remove(_ processID: Int32) {
        _ = categories.withLockedValue { $0.removeValue(forKey: processID) }
    }

    func category(of processID: Int32) -> String? {
        categories.withLockedValue { $0[processID] }
    }
}
