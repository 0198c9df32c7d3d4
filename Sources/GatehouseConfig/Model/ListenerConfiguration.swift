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
public struct PostgresListenerConfiguration: Sendable, Equatable {
    public static let defaultPort = 6432
    public static let defaultMaxMessageBytes = 64 * 1024 * 1024
    /// PostgreSQL's own `authentication_timeout` default.
    public static let defaultAuthenticationTimeoutSeconds = 60
    public static let defaultMaxConnections = 1000

    public var address: String
    /// 0 picks a free port.
    public var port: Int
    /// Without it, SSLRequest is declined.
    public var tls: TLSFiles?
    /// A token may arrive in cleartext only when this is set and the client is on loopback.
    public var allowCleartextTokenOnLoopback: Bool
    /// Larger client messages close the connection.
    public var maxMessageBytes: Int
    /// A client that is not signed in this long after connecting (TLS, startup, token) is closed.
    public var authenticationTimeoutSeconds: Int
    /// Clients beyond this many at once are refused (SQLSTATE 53300); lowered at start when
    /// the process's descriptor limit cannot hold them (docs/security.md, "Limits").
    public var maxConnections: Int

    public init(
        address: String = "127.0.0.1", port: Int = Self.defaultPort, tls: TLSFiles? = nil,
        allowCleartextTokenOnLoopback: Bool = false, maxMessageBytes: Int = Self.defaultMaxMessageBytes,
        authenticationTimeoutSeconds: Int = Self.defaultAuthenticationTimeoutSeconds, maxConnections: Int = Self.defaultMaxConnections
    ) {
        self.address = address
        self.port = port
        self.tls = tls
        self.allowCleartextTokenOnLoopback = allowCleartextTokenOnLoopback
        self.maxMessageBytes = maxMessageBytes
        self.authenticationTimeoutSeconds = authenticationTimeoutSeconds
        self.maxConnections = maxConnections
    }
}

/// `listeners.http`: the dev issuer's discovery document and JWKS, health.
public struct HTTPListenerConfiguration: Sendable, Equatable {
    public static let defaultPort = 8080
    public static let defaultIdleTimeoutSeconds = 30
    public static let defaultMaxConnections = 1000

    public var address: String
    /// 0 picks a free port.
    public var port: Int
    public var tls: TLSFiles?
    /// A connection that has not completed its TLS handshake and a request's headers this long
    /// after connecting, or after its last response, is closed.
    public var idleTimeoutSeconds: Int
    /// Connections beyond this many wait in the listen backlog; lowered at start like the
    /// PostgreSQL listener's.
    public var maxConnections: Int

    public init(address: String = "127.0.0.1", port: Int = Self.defaultPort, tls: TLSFiles? = nil,
                idleTimeoutSeconds: Int = Self.defaultIdleTimeoutSeconds, maxConnections: Int = Self.defaultMaxConnections) {
        self.address = address
        self.port = port
        self.tls = tls
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }
}
