import Foundation
import NIOSSL
import PostgresNIO

/// How to reach the PostgreSQL store (configuration `store:`; docs/deployment.md).
public struct PostgresStoreSettings: Sendable {
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plaintext: loopback only (the configuration refuses it elsewhere).
        case disable
        /// Encrypted, the server's certificate not checked.
        case require
        /// Encrypted, certificate checked against `caFile` (or the system trust store) and host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    /// Never logged or shown.
    public var password: String?
    public var tls: TLSMode
    public var caFile: String?
    /// Reported as `appended_by` on each record, so an auditor can tell instances apart.
    public var instanceName: String
    public var connectTimeout: TimeAmount

    public init(host: String, port: Int = 5432, database: String, user: String, password: String?, tls: TLSMode,
                caFile: String? = nil, instanceName: String, connectTimeout: TimeAmount = .seconds(5)) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.instanceName = instanceName
        self.connectTimeout = connectTimeout
    }

    /// `user@host:port/database`: for logs and errors.
    public var description: String { "\(user)@\(host):\(port)/\(database)" }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tlsMode: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable:
            tlsMode = .disable
        case .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            tlsMode = .require(try NIOSSLContext(configuration: configuration))
        case .verifyFull:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            if let caFile { configuration.trustRoots = .file(caFile) }
            tlsMode = .require(try NIOSSLContext(configuration: configuration))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: tlsMode)
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }
}
