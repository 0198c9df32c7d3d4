import Foundation

/// An HTTP adapter's connections by name, replaced whole when the configuration is reloaded
/// (SIGHUP, `gatehouse reload`): a request takes the connection as it stands when it arrives and
/// keeps it to its end, so a reload never changes a request half-way.
public final class ConnectionTable<Connection: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var byName: [String: Connection]

    public init(_ connections: [Connection], name: (Connection) -> String) {
        byName = Self.index(connections, name: name)
    }

    public subscript(name: String) -> Connection? {
        lock.withLock { byName[name] }
    }

    public var all: [String: Connection] {
        lock.withLock { byName }
    }

    public func replace(with connections: [Connection], name: (Connection) -> String) {
        let indexed = Self.index(connections, name: name)
        lock.withLock { byName = indexed }
    }

    private static func index(_ connections: [Connection], name: (Connection) -> String) -> [String: Connection] {
        Dictionary(connections.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
    }
}
