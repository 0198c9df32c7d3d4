/// A PEM certificate chain and its private key, both absolute paths to files that existed
/// when the configuration was loaded.
public struct TLSFiles: Sendable, Equatable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }
}

/// `listeners.postgres`: where PostgreSQL clients connect.
public struct PostgresListenerConfiguration: Sendable {
    public static let defaultPort = 6432
    public static let defaultMaxMessageBytes = 64 * 1024 * 1024

    public var address: String
    /// 0 picks a free port.
    public var port: Int
    /// Without it, SSLRequest is declined.
    public var tls: TLSFiles?
    /// A token may arrive in cleartext only when this is set and the client is on loopback.
    public var allowCleartextTokenOnLoopback: Bool
    /// Larger client messages close the connection.
    public var maxMessageBytes: Int

    public init(
        address: String = "127.0.0.1", port: Int = Self.defaultPort, tls: TLSFiles? = nil,
        allowCleartextTokenOnLoopback: Bool = false, maxMessageBytes: Int = Self.defaultMaxMessageBytes
    ) {
        self.address = address
        self.port = port
        self.tls = tls
        self.allowCleartextTokenOnLoopback = allowCleartextTokenOnLoopback
        self.maxMessageBytes = maxMessageBytes
    }
}

/// `listeners.http`: the dev issuer's discovery document and JWKS, health.
public struct HTTPListenerConfiguration: Sendable {
    public static let defaultPort = 8080

    public var address: String
    /// 0 picks a free port.
    public var port: Int
    public var tls: TLSFiles?

    public init(address: String = "127.0.0.1", port: Int = Self.defaultPort, tls: TLSFiles? = nil) {
        self.address = address
        self.port = port
        self.tls = tls
    }
}
