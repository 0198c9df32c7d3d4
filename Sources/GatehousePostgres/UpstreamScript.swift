import GatehouseConfig
import NIOCore

/// Runs SQL on a connection's database as another role (an administrator's), for
/// `gatehouse db-setup --apply`: the same server, database and TLS settings as the gateway's own
/// connections, with the administrator's name and password.
public enum UpstreamScript {
    public static func run(_ sql: String, on connection: ConnectionConfiguration, user: String, password: String?,
                           eventLoop: EventLoop) async throws {
        var upstream = connection.upstream
        upstream.user = user
        let connector = UpstreamConnector(upstream: upstream, password: password, tls: try UpstreamTLS.make(for: upstream))
        _ = try await connector.query(sql, on: eventLoop).get()
    }
}
