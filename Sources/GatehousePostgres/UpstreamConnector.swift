import GatehouseConfig
import GatehousePostgresWire
import NIOCore
import NIOPosix

/// Opens a logged-in connection to one upstream PostgreSQL server, on the caller's event loop
/// (the client's), so the relay never crosses threads.
struct UpstreamConnector: Sendable {
    let upstream: PostgresUpstream
    let password: String?
    let tls: UpstreamTLS?

    /// Whether both log in as the same role to the same database of the same server: a reloaded
    /// connection that does is the same upstream to the sessions already open on it.
    func reachesSameLogin(as other: UpstreamConnector) -> Bool {
        upstream.host == other.upstream.host && upstream.port == other.upstream.port
            && upstream.database == other.upstream.database && upstream.user == other.upstream.user
    }

    func connect(on eventLoop: EventLoop, applicationName: String) -> EventLoopFuture<(Channel, UpstreamSession)> {
        let loggedIn = eventLoop.makePromise(of: UpstreamSession.self)
        let machine = UpstreamLoginStateMachine(user: upstream.user, database: upstream.database, password: password, applicationName: applicationName)
        let tls = self.tls
        let channel = ClientBootstrap(group: eventLoop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(Int64(upstream.loginTimeoutSeconds)))
            .channelInitializer { [upstream] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamLoginHandler(machine: machine, tls: tls, timeoutSeconds: upstream.loginTimeoutSeconds, loggedIn: loggedIn))
                }
            }
            .connect(host: upstream.host, port: upstream.port)
        channel.whenFailure { error in
            loggedIn.fail(UpstreamLoginError("cannot reach the upstream server \(upstream.host):\(upstream.port): \(error)"))
        }
        return channel.and(loggedIn.futureResult)
    }

    /// Runs one query on a connection of the gateway's own and returns the rows as text.
    func query(_ sql: String, on eventLoop: EventLoop) -> EventLoopFuture<[[String?]]> {
        connect(on: eventLoop, applicationName: "gatehouse catalog").flatMap { channel, _ in
            let answer = eventLoop.makePromise(of: SimpleQueryResult.self)
            do {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(PostgresFrameDecoder(maxMessageBytes: 64 << 20)))
                try channel.pipeline.syncOperations.addHandler(SimpleQueryHandler())
            } catch {
                channel.close(promise: nil)
                return eventLoop.makeFailedFuture(error)
            }
            let query = SimpleQuery(sql: sql, rowLimit: .max, byteLimit: .max, onNotice: { _ in }, result: answer)
            channel.writeAndFlush(SimpleQueryRequest.query(query)).whenFailure { answer.fail($0) }
            // A catalog read that never finishes would hold every login waiting for the catalog.
            let deadline = eventLoop.scheduleTask(in: Self.queryTimeout) {
                answer.fail(UpstreamLoginError("the upstream server did not answer a catalog query within \(Self.queryTimeout.nanoseconds / 1_000_000_000) s"))
                channel.close(promise: nil)
            }
            answer.futureResult.whenComplete { _ in
                deadline.cancel()
                channel.writeAndFlush(SimpleQueryRequest.terminate).whenComplete { _ in channel.close(promise: nil) }
            }
            return answer.futureResult.flatMapThrowing { result in
                if let error = result.error { throw ProtocolViolation("catalog query failed: \(error.message)") }
                return result.rows
            }
        }
    }

    static let queryTimeout = TimeAmount.seconds(60)

    /// Forwards a client's CancelRequest to the upstream server with the upstream's own key.
    func cancel(_ key: BackendKey, on eventLoop: EventLoop) -> EventLoopFuture<Void> {
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .connect(host: upstream.host, port: upstream.port)
            .flatMap { channel in
                var out = channel.allocator.buffer(capacity: 16)
                StartupPacket.cancel(key).encode(into: &out)
                return channel.writeAndFlush(out).flatMap { channel.close() }
            }
    }
}
