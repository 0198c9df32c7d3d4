import Foundation
import GatehouseApproval
import GatehouseConfig
import GatehouseCore
import GatehouseIdentity
import GatehouseMasking
import GatehousePolicy
import GatehousePostgresMasking
import GatehousePostgresWire
import GatehouseSQL
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// The PostgreSQL side of Gatehouse: what every client session shares (connections, identity,
/// recorder, analyser), and the listener that accepts clients.
public final class PostgresGateway: Sendable {
    /// One configured connection, ready to use: its policy, masking and how to reach its upstream.
    struct Connection: Sendable {
        let name: String
        let policy: AccessPolicy
        let classification: DataClassification
        let masking: MaskingSettings
        let connector: UpstreamConnector
        let catalog: UpstreamCatalogCache
        /// When statements wait for a human's approval. Analyses reach the trigger with views
        /// already resolved to their base tables, so its view resolver is the identity.
        let approval: ApprovalRules
        /// Statements that may reach personal data run as this role (`SET ROLE`); nil: as the login role.
        let approvedRole: String?
        /// The operator accepted a login role that does not hold the database backstop.
        let acceptsRisk: Bool

        /// Why sessions are refused: the login role can reach what only approved statements may
        /// (re-read with every catalog load, so a GRANT made later is noticed within a minute).
        func backstopProblems(_ catalog: UpstreamCatalog) -> [String] {
            guard !classification.isEmpty, !acceptsRisk else { return [] }
            let views = catalog.views
            return catalog.role.problems(classification: classification, approvedRole: approvedRole,
                                         baseColumns: { views.baseColumns(of: $0) })
        }

        /// Relations missing from the catalog snapshot count as personal data (fail safe). The
        /// system catalogs are not in the snapshot but hold no client data (the ones that hold
        /// other tables' values make a statement unanalysable: `DataExposingRelations`); a
        /// `pg_*` name is a system relation only when `pg_catalog` has it.
        func approvalTrigger(_ catalog: UpstreamCatalog, createdBySession: [RelationName] = []) -> ApprovalTrigger {
            ApprovalTrigger(rules: approval, classification: effectiveClassification(catalog), isKnownRelation: { catalog.isKnown($0) },
                            createdBySession: createdBySession)
        }

        /// The configured classification with what approved writes derived from it.
        func effectiveClassification(_ catalog: UpstreamCatalog) -> DataClassification {
            classification.merging(catalog.derived.tables)
        }

        /// How results are masked, given what the catalog knows.
        func planner(_ catalog: UpstreamCatalog) -> ResultMaskPlanner {
            let views = catalog.views
            return ResultMaskPlanner(classification: effectiveClassification(catalog), detectOnlyCategories: masking.detectOnlyCategories,
                                     catalog: catalog.results, baseColumns: { views.baseColumns(of: $0) })
        }
    }

    /// The connections as last loaded, and how many times they were (re)loaded: a session
    /// compares the generation at each statement and adopts a reload (`connectionAfterReload`).
    private let table: NIOLockedValueBox<(generation: Int, connections: [String: Connection])>
    var connections: [String: Connection] { table.withLockedValue { $0.connections } }
    let validator: TokenValidator
    let recorder: EventRecorder
    let analyzer: StatementAnalyzer
    let largeStatements: LargeStatementAnalysis
    let serverTLS: NIOSSLContext?
    let listener: PostgresListenerConfiguration
    let cancels = CancelRegistry()
    let personalNotifiers = PersonalNotifiers()
    /// Held statements and the grants approvers gave, shared with the approval API.
    let approvals: ApprovalBroker
    /// The page where an approver decides a request, for error messages.
    let approvalURL: @Sendable (String) -> String
    /// The kinds of notification targets each approval request is sent to.
    let notificationKinds: [String]
    let logger: Logger
    private let serverChannel = NIOLockedValueBox<Channel?>(nil)
    /// The listener's connection slots, shared with the sessions the gateway opens on itself.
    let slots = NIOLockedValueBox<ConnectionSlots?>(nil)

    /// Resolves every upstream secret and TLS setting now, so a broken configuration stops the
    /// gateway at start rather than failing a client later. `masking` has an entry per connection.
    public init(
        configuration: GatehouseConfiguration, masking: [String: MaskingSettings], validator: TokenValidator,
        recorder: EventRecorder, analyzer: StatementAnalyzer, serverTLS: NIOSSLContext?,
        approvals: ApprovalBroker = ApprovalBroker(), approvalURL: @escaping @Sendable (String) -> String = { "/approvals/\($0)" },
        notificationKinds: [String] = [], derivedClassification: [String: DataClassification] = [:], logger: Logger
    ) throws {
        let connections = try Self.makeConnections(configuration, masking: masking, analyzer: analyzer, derived: derivedClassification,
                                                   keeping: [:], logger: logger)
        self.table = NIOLockedValueBox((generation: 0, connections: connections))
        self.validator = validator
        self.recorder = recorder
        self.analyzer = analyzer
        self.largeStatements = LargeStatementAnalysis(analyzer: analyzer)
        self.serverTLS = serverTLS
        self.approvals = approvals
        self.approvalURL = approvalURL
        self.notificationKinds = notificationKinds
        self.listener = configuration.postgresListener
        self.logger = logger
    }

    /// Builds every connection of the configuration, resolving its secrets and TLS settings now.
    /// A connection still reaching the same upstream server, database and login as one in
    /// `keeping` keeps that one's catalog (with what approved writes derived on it).
    private static func makeConnections(
        _ configuration: GatehouseConfiguration, masking: [String: MaskingSettings], analyzer: StatementAnalyzer,
        derived: [String: DataClassification], keeping existing: [String: Connection], logger: Logger
    ) throws -> [String: Connection] {
        var connections: [String: Connection] = [:]
        for connection in configuration.connections {
            let password: String?
            do {
                password = try connection.upstream.password?.resolve()
            } catch {
                throw GatewayStartError("connection '\(connection.name)': cannot read the upstream password: \(error)")
            }
            let tls: UpstreamTLS?
            do {
                tls = try UpstreamTLS.make(for: connection.upstream)
            } catch {
                throw GatewayStartError("connection '\(connection.name)': cannot set up upstream TLS: \(error)")
            }
            guard let settings = masking[connection.name] else {
                // Fail closed: a connection without masking settings is not served.
                throw GatewayStartError("connection '\(connection.name)': no masking settings")
            }
            let connector = UpstreamConnector(upstream: connection.upstream, password: password, tls: tls)
            let kept = existing[connection.name].flatMap { $0.connector.reachesSameLogin(as: connector) ? $0.catalog : nil }
            connections[connection.name] = Connection(
                name: connection.name,
                policy: AccessPolicy(connection: connection.name, allowedGroups: connection.allowedGroups, classification: connection.personalData),
                classification: connection.personalData,
                masking: settings,
                connector: connector,
                catalog: kept ?? UpstreamCatalogCache(connector: connector, analyzer: analyzer,
                                                      derived: existing[connection.name]?.catalog.current.derived
                                                          ?? derived[connection.name] ?? DataClassification(), logger: logger),
                approval: connection.approval,
                approvedRole: connection.personalData.isEmpty ? nil : connection.upstream.approvedRole,
                acceptsRisk: connection.upstream.acceptedRisk != nil)
        }
        return connections
    }

    /// A changed configuration's PostgreSQL connections, built and checked, not yet in force.
    public struct ReloadedConnections: Sendable {
        let connections: [String: Connection]
    }

    /// Builds a changed configuration's PostgreSQL connections (SIGHUP, `gatehouse reload`),
    /// resolving their secrets and TLS settings now: throws, changing nothing, when one cannot
    /// be used. Nothing changes until `applyReload`.
    public func prepareReload(configuration: GatehouseConfiguration, masking: [String: MaskingSettings]) throws -> ReloadedConnections {
        ReloadedConnections(connections: try Self.makeConnections(configuration, masking: masking, analyzer: analyzer, derived: [:],
                                                                  keeping: connections, logger: logger))
    }

    /// Puts prepared connections in force: new sessions use them at once; open sessions adopt
    /// them at their next statement when their connection still reaches the same upstream login
    /// (classification, approval, allowed groups, masking categories), and keep what they
    /// logged in with otherwise.
    public func applyReload(_ reloaded: ReloadedConnections) {
        table.withLockedValue { $0 = (generation: $0.generation + 1, connections: reloaded.connections) }
    }

    /// The configuration generation sessions start from.
    var generation: Int { table.withLockedValue { $0.generation } }

    /// The connection a session logged in with, as reloaded since `generation`: nil when nothing
    /// was reloaded; the same connection when it was removed or now reaches another upstream
    /// login (the session's upstream connection stays what it is).
    func connectionAfterReload(_ connection: Connection, since generation: Int) -> (generation: Int, connection: Connection)? {
        table.withLockedValue { state in
            guard state.generation != generation else { return nil }
            guard let current = state.connections[connection.name], current.connector.reachesSameLogin(as: connection.connector) else {
                return (state.generation, connection)
            }
            return (state.generation, current)
        }
    }

    /// Classification another gateway instance derived (the shared ledger brought it): every
    /// session of the connection adopts it before its next statement.
    public func adoptDerivedClassification(connection: String, tables: [DataClassification.Table]) {
        guard let known = connections[connection] else { return }
        let before = known.catalog.current.derived
        guard known.catalog.derive(tables).derived != before else { return }
        logger.info("classification derived by another instance adopted", metadata: ["connection": "\(connection)",
                                                                                   "tables": "\(tables.map(\.relation.description))"])
    }

    /// What approved writes classified on a connection (since before this start too).
    public func derivedClassification(of connection: String) -> DataClassification {
        connections[connection]?.catalog.current.derived ?? DataClassification()
    }

    /// Whether a token may arrive without TLS: only on a loopback listener that allows it.
    var acceptsCleartextToken: Bool {
        guard listener.allowCleartextTokenOnLoopback else { return false }
        return isLoopbackHost(listener.address)
    }

    /// Binds the listener; returns the address it listens on. At most `maxConnections` clients
    /// are served at once (the configured limit, or lower when descriptors are short).
    public func start(group: EventLoopGroup, maxConnections: Int) async throws -> SocketAddress {
        let maxMessageBytes = listener.maxMessageBytes
        let slots = ConnectionSlots(limit: maxConnections)
        self.slots.withLockedValue { $0 = slots }
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            // Out of descriptors, accept() fails at once: back off instead of spinning on it.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler()) }
            }
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard slots.acquire() else {
                        try channel.pipeline.syncOperations.addHandler(TooManyClientsHandler(limit: slots.limit))
                        return
                    }
                    channel.closeFuture.whenComplete { _ in slots.release() }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrontendPacketDecoder(maxMessageBytes: maxMessageBytes)))
                    try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(gateway: self))
                }
            }
            .bind(host: listener.address, port: listener.port)
            .get()
        serverChannel.withLockedValue { $0 = channel }
        return channel.localAddress!
    }

    public func stop() async {
        let channel = serverChannel.withLockedValue { $0 }
        try? await channel?.close()
    }

    /// Commits events durably, from an event loop.
    func record(_ events: [GatehouseEvent], on eventLoop: EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        recorder.record(events) { result in promise.completeWith(result.map { _ in () }) }
        return promise.futureResult
    }
}

public struct GatewayStartError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
