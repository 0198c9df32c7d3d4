import NIOConcurrencyHelpers

/// The connections the tools see, replaced as a whole when the configuration is reloaded.
public final class MCPConnectionTable: Sendable {
    private let box: NIOLockedValueBox<[MCPConnection]>

    public init(_ connections: [MCPConnection]) {
        box = NIOLockedValueBox(connections)
    }

    public var all: [MCPConnection] { box.withLockedValue { $0 } }

    public func replace(with connections: [MCPConnection]) {
        box.withLockedValue { $0 = connections }
    }
}
