import Foundation

/// Where Gatehouse keeps its durable state (configuration `store:`; docs/deployment.md).
public enum StoreConfiguration: Sendable, Equatable {
    /// Everything in the data directory (the default: one instance).
    case sqlite
    /// The evidence ledger's log in a PostgreSQL database that several instances share; each
    /// instance keeps its index of it in its data directory.
    case postgres(PostgresStoreConfiguration)
}

public struct PostgresStoreConfiguration: Sendable, Equatable {
    /// Tried in order; the first that is a primary (not in recovery) is used, and after a
    /// failure the search starts again, so the store follows a promoted standby.
    public var hosts: [PostgresStoreHost]
    public var database: String
    public var user: String
    /// Where the password comes from; nil for a server that asks none (trust, peer).
    public var password: SecretSource?
    /// `verify-full` unless set; `disable` only for a loopback host.
    public var sslMode: UpstreamTLSMode
    /// Absolute; only with verify-full (else the system trust store).
    public var caFile: String?
    /// This instance's name on the records it appends (defaults to the machine's host name).
    public var instance: String

    public init(hosts: [PostgresStoreHost], database: String, user: String, password: SecretSource? = nil,
                sslMode: UpstreamTLSMode = .verifyFull, caFile: String? = nil,
                instance: String = ProcessInfo.processInfo.hostName) {
        self.hosts = hosts
        self.database = database
        self.user = user
        self.password = password
        self.sslMode = sslMode
        self.caFile = caFile
        self.instance = instance
    }
}

public struct PostgresStoreHost: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 5432) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
