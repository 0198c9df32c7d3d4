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

    /// Tried in order: the first primary (not in recovery) is used.
    public var hosts: [(host: String, port: Int)]
    public var database: String
    public var user: String
    /// Never logged or shown.
    public var password: String?
    public var tls: TLSMode
    public var caFile: String?
    /// Reported as `appended_by` on each record, so an auditor can tell instances apart.
    public var instanceName: String
    public var connectTimeout: TimeAmount

    public init(hosts: [(host: String, port: Int)], database: String, user: String, password: String?, tls: TLSMode,
                caFile: String? = nil, instanceName: String, connectTimeout: TimeAmount = .seconds(5)) {
        precondition(!hosts.isEmpty, "a store needs a host")
        self.hosts = hosts
        self.database = database
        self.user = user
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.instanceName = instanceName
        self.connectTimeout = connectTimeout
    }

    /// `user@host:port[,host:port...]/database`: for logs and errors.
    public var description: String { "\(user)@\(hosts.map { Self.name($0) }.joined(separator: ","))/\(database)" }

    static func name(_ host: (host: String, port: Int)) -> String {
        host.host.contains(":") ? "[\(host.host)]:\(host.port)" : "\(host.host):\(host.port)"
    }

    func connectionConfiguration(host: String, port: Int) throws -> PostgresConnection.Configuration {
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
