import AsyncHTTPClient
import Foundation
import GatehouseApproval
import GatehouseConfig
import GatehouseCore
import GatehouseIdentity
import GatehouseKubeGateway
import GatehouseMCP
import GatehouseMetrics
import GatehousePostgres
import GatehouseSQL
import GatehouseStore
import GatehouseWeb
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Everything `serve` and `demo` run: the evidence ledger (recorder, checkpoints, retention),
/// identity, the PostgreSQL listener and the HTTP listener, built from one configuration.
struct GatewayRuntime {
    let configuration: GatehouseConfiguration
    let logger: Logger

    /// Starts everything, announces the listeners and `gatehouse: ready`, then runs until
    /// SIGINT or SIGTERM; `onReady` runs once both listeners are up.
    func run(onReady: (_ postgresPort: Int, _ httpPort: Int) -> Void = { _, _ in }) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        // From the start: a hang-up asks for a reload (taken once ready), never stops the gateway.
        let hangups = hangupSignals()
        let ledger = try LedgerSetup.openStore(configuration, logger: logger)
        defer { ledger.close() }
        let recorder = try LedgerSetup.recorder(configuration, store: ledger)
        try await recorder.record([try LedgerSetup.configurationEvent(configuration)])
        let maintenance = try LedgerMaintenance.start(configuration, recorder: recorder, logger: logger)
        defer { maintenance.cancel() }

        var issuers = configuration.issuers.map {
            IssuerConfiguration(issuer: $0.issuer, audiences: $0.audiences, discoveryURL: $0.discoveryURL,
                                groupsClaim: $0.groupsClaim, algorithms: $0.algorithms, leewaySeconds: $0.leewaySeconds)
        }
        var devIssuer: DevIssuer?
        if let settings = configuration.devIssuer {
            guard configuration.httpListener.port != 0 else {
                throw ValidationFailure("\(configuration.sourcePath): listeners.http.port must be set (not 0) when the dev issuer is enabled: its issuer URL names the port")
            }
            let issuer = try DevIssuer.loadOrCreate(directory: configuration.dataDirectory, issuerURL: devIssuerURL(configuration), audience: settings.audience)
            issuers.append(issuer.issuerConfiguration)
            devIssuer = issuer
        }

        let httpClient = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(10))))
        // Git and Blob requests go upstream through a client of their own: no redirects, long reads.
        let gitClient = configuration.gitConnections.isEmpty && configuration.blobConnections.isEmpty ? nil : GitSetup.makeHTTPClient()
        do {
            try await serve(ledger: ledger, recorder: recorder, checkpointer: maintenance.checkpointer, issuers: issuers,
                            devIssuer: devIssuer, httpClient: httpClient, gitClient: gitClient, group: group, hangups: hangups,
                            onReady: onReady)
        } catch {
            // The HTTP clients must be shut down on every path, failures included.
            try? await httpClient.shutdown()
            try? await gitClient?.shutdown()
            throw error
        }
        try? await httpClient.shutdown()
        try? await gitClient?.shutdown()
    }

    private func serve(
        ledger: SQLiteLedgerStore, recorder ledgerRecorder: LedgerEventRecorder, checkpointer: LedgerCheckpointer,
        issuers: [IssuerConfiguration], devIssuer: DevIssuer?,
        httpClient: HTTPClient, gitClient: HTTPClient?,
        group: EventLoopGroup, hangups: AsyncStream<Void>, onReady: (_ postgresPort: Int, _ httpPort: Int) -> Void
    ) async throws {
        let validator = TokenValidator(issuers: issuers, httpClient: httpClient, logger: logger, devIssuer: devIssuer)
        // Every listener records through it: refused logins are bounded and throttled per source.
        let recorder = RefusalThrottlingRecorder(
            base: ledgerRecorder, throttle: RefusedLoginThrottle(perWindow: configuration.ledger.refusedLoginsPerSourcePerMinute, window: 60))
        let refusalSummaries = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                do { try await recorder.flush() } catch {
                    logger.error("cannot record a summary of refused logins", metadata: ["error": "\(error)"])
                }
            }
        }
        defer { refusalSummaries.cancel() }
        // Every event the gateway records is counted for /metrics once it is committed.
        let metrics = MetricsSetup.metrics(for: configuration)
        let recording = MetricsRecorder(base: recorder, metrics: metrics)

        let postgresTLS = try configuration.postgresListener.tls.map { try NIOSSLContext(configuration: serverTLSConfiguration($0)) }
        let masking = try MaskingSetup.settings(for: configuration)
        let approvals = try ApprovalSetup(configuration: configuration, logger: logger)
        defer { approvals.shared?.close() }
        try await approvals.startSharing(recorder: recording, logger: logger)
        let derived = try LedgerSetup.derivedClassification(ledger)
        let gateway = try PostgresGateway(configuration: configuration, masking: masking, validator: validator, recorder: recording,
                                          analyzer: StatementAnalyzer(), serverTLS: postgresTLS, approvals: approvals.broker,
                                          approvalURL: approvals.url, notificationKinds: approvals.notificationKinds,
                                          derivedClassification: derived, logger: logger)
        ledger.observeDerivedClassification { [logger] entries in
            for bytes in entries {
                do {
                    if let (connection, tables) = try LedgerDerivedClassification.decode(bytes) {
                        gateway.adoptDerivedClassification(connection: connection, tables: tables)
                    }
                } catch {
                    logger.error("a classification entry from the shared ledger cannot be read", metadata: ["error": "\(error)"])
                }
            }
        }
        if configuration.store != .sqlite {
            // Taken in between the first read and the observer: read again (merging is idempotent).
            for (connection, classification) in try LedgerSetup.derivedClassification(ledger) {
                gateway.adoptDerivedClassification(connection: connection, tables: classification.tables)
            }
        }
        try await checkUpstreamRoles(group: group)
        let api = approvals.api(validator: validator)
        let signIns = try WebUISetup.sharedSignIns(configuration, logger: logger)
        defer { signIns?.close() }
        let ui = try WebUISetup.make(configuration, approvals: approvals, api: api, devIssuer: devIssuer, ledger: ledger,
                                     recorder: recording, httpClient: httpClient, signIns: signIns,
                                     derivedClassification: { gateway.derivedClassification(of: $0) }, logger: logger)
        let git = try gitClient.flatMap { try GitSetup.gateway(configuration, validator: validator, recorder: recording, httpClient: $0,
                                                                     approvals: approvals) }
        let blob = try gitClient.flatMap { try BlobSetup.gateway(configuration, validator: validator, recorder: recording, httpClient: $0,
                                                                   approvals: approvals) }
        let kubernetes = try KubernetesSetup.gateway(configuration, validator: validator, recorder: recording, approvals: approvals)
        var extraRoutes: [@Sendable (Router<GatehouseRequestContext>) -> Void] = []
        if let git { extraRoutes.append { git.register(on: $0) } }
        if let blob { extraRoutes.append { blob.register(on: $0) } }
        if let kubernetes = kubernetes?.gateway { extraRoutes.append { kubernetes.register(on: $0) } }
        let mcp = MCPSetup.endpoint(configuration, issuers: issuers, validator: validator, postgres: gateway, blob: blob,
                                    recorder: recording, group: group, logger: logger)
        if let mcp { extraRoutes.append { mcp.register(on: $0) } }
        let mcpIdle = Task { await mcp?.closeIdleSessions() }
        defer { mcpIdle.cancel() }
        let limits = connectionLimits()
        let servesPostgres = !configuration.connections.isEmpty
        let web = WebServer(address: configuration.httpListener.address, port: configuration.httpListener.port,
                            tls: try configuration.httpListener.tls.map(serverTLSConfiguration), devIssuer: devIssuer, logger: logger,
                            approvals: api, ui: ui, extraRoutes: extraRoutes,
                            idleTimeoutSeconds: configuration.httpListener.idleTimeoutSeconds, maxConnections: limits.http,
                            devIssuerClientID: configuration.web.login == nil ? WebConfiguration.devIssuerClientID : nil,
                            webSocketUpgrade: kubernetes.map { kube in
                                { head, channel, logger in await kube.gateway.shouldUpgrade(head, channel: channel, logger: logger) }
                            }, webSocketPaths: KubeGateway.isExecPath,
                            readiness: { Self.readiness(ledger: ledger, checkpointer: checkpointer, servesPostgres: servesPostgres) },
                            metrics: { metrics.render(latestCheckpoint: try? ledger.latestCheckpoint()?.signedAt) })
        let expiry = approvals.startExpiring()
        defer { expiry.cancel() }

        let listener = configuration.postgresListener
        // Without a PostgreSQL connection the listener could only refuse: it is not bound at all.
        var postgresPort = 0
        if servesPostgres {
            do {
                postgresPort = try await gateway.start(group: group, maxConnections: limits.postgres).port ?? 0
            } catch {
                throw ValidationFailure("cannot listen for PostgreSQL clients on \(listener.address):\(listener.port): \(error)")
            }
            announce("gatehouse: postgres listener on \(listener.address):\(postgresPort)")
        } else {
            announce("gatehouse: postgres listener off (no postgres connections)")
        }

        let httpPort = AsyncStream<Int>.makeStream()
        let webTask = Task {
            do {
                try await web.run { port in httpPort.continuation.yield(port) }
            } catch {
                logger.error("HTTP listener failed", metadata: ["error": "\(error)"])
                httpPort.continuation.finish()
            }
        }
        var boundHTTPPort: Int?
        for await port in httpPort.stream { boundHTTPPort = port; break }
        guard let boundHTTPPort else {
            if servesPostgres { await gateway.stop() }
            throw ValidationFailure("the HTTP listener could not start on \(configuration.httpListener.address):\(configuration.httpListener.port)")
        }
        announce("gatehouse: http listener on \(configuration.httpListener.address):\(boundHTTPPort)")
        let reloads = ConfigurationReload(configuration, gateway: gateway, git: git, blob: blob, kubernetes: kubernetes, mcp: mcp,
                                          httpClient: gitClient, approvals: approvals, recorder: recording, logger: logger)
        let reloading = Task { for await _ in hangups { await reloads.reload() } }
        defer { reloading.cancel() }
        let pidFile = ProcessIDFile(configuration)
        pidFile.write(logger: logger)
        defer { pidFile.remove() }
        announce("gatehouse: ready")
        onReady(postgresPort, boundHTTPPort)

        let signal = await waitForTerminationSignal()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        if servesPostgres { await gateway.stop() }
        // Held MCP calls end with their sessions (their approval requests are withdrawn).
        await mcp?.closeAllSessions()
        // Requests in flight finish; a connection that stays open (an exec session, a slow
        // client) is cut after a few seconds.
        await web.shutDownGracefully()
        let cutOff = Task {
            try await Task.sleep(for: .seconds(5))
            webTask.cancel()
        }
        _ = await webTask.result
        cutOff.cancel()
        for client in kubernetes?.clients.all ?? [] { try? await client.shutdown() }
        // Notifications already in flight get to finish (or give up) before the process exits.
        await approvals.sender?.shutdown()
        do { try await recorder.flush(all: true) } catch {
            logger.error("cannot record a summary of refused logins", metadata: ["error": "\(error)"])
        }
    }
}

extension GatewayRuntime {
    /// What `/readyz` reports (docs/deployment.md): the ledger can be appended to (its store
    /// answers, nothing needs a reopen), the last checkpoint attempt succeeded, the listeners are up
    /// (the HTTP listener answering means the PostgreSQL one was bound before it).
    static func readiness(ledger: SQLiteLedgerStore, checkpointer: LedgerCheckpointer, servesPostgres: Bool) -> [ReadinessCheck] {
        let ledgerCheck: ReadinessCheck
        do {
            _ = try ledger.leafCount
            let reason = ledger.unusableReason
            ledgerCheck = ReadinessCheck(name: "ledger", ok: reason == nil, detail: reason)
        } catch {
            ledgerCheck = ReadinessCheck(name: "ledger", ok: false, detail: "\(error)")
        }
        let failure = checkpointer.lastFailure
        return [ledgerCheck, ReadinessCheck(name: "checkpoints", ok: failure == nil, detail: failure),
                ReadinessCheck(name: "listeners", ok: true, detail: servesPostgres ? "postgres and http" : "http (no postgres connections)")]
    }

    /// The listeners' connection limits, lowered (and said so) when descriptors cannot hold them.
    func connectionLimits() -> (postgres: Int, http: Int) {
        let budget = DescriptorBudget.current()
        let wanted = (postgres: configuration.postgresListener.maxConnections, http: configuration.httpListener.maxConnections)
        let limits = budget.connectionLimits(postgres: wanted.postgres, http: wanted.http)
        if limits != wanted {
            logger.warning("connection limits lowered to fit the file descriptor limit",
                           metadata: ["descriptor_limit": "\(budget.limit)", "postgres_max_connections": "\(limits.postgres)",
                                      "http_max_connections": "\(limits.http)"])
        }
        return limits
    }

    /// Refuses to start when a connection with personal data logs in as a role that can reach
    /// it without approval (the database backstop, docs/security.md), unless the operator
    /// accepted that in the configuration; then it is logged at every start.
    func checkUpstreamRoles(group: EventLoopGroup) async throws {
        for result in await UpstreamRoleInspection.inspect(configuration, on: group.next()) where !result.problems.isEmpty {
            if let risk = result.acceptedRisk {
                logger.warning("the upstream role does not hold the database backstop; risk accepted in the configuration",
                               metadata: ["connection": "\(result.connection)", "problems": "\(result.problems.joined(separator: "; "))",
                                          "reason": "\(risk)"])
                continue
            }
            throw ValidationFailure(UpstreamRoleInspection.refusal(result, configPath: configuration.sourcePath))
        }
    }
}

/// The TLS server settings from a certificate chain and key in PEM files: TLS 1.2 or 1.3 only,
/// and for TLS 1.2 only forward-secret AEAD suites (docs/security.md, "Transport"); TLS 1.3's
/// suites are all of that kind.
func serverTLSConfiguration(_ files: TLSFiles) throws -> TLSConfiguration {
    do {
        let chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = serverTLS12CipherSuites
        return configuration
    } catch {
        throw ValidationFailure("cannot load the TLS certificate \(files.certificatePath) or key \(files.keyPath): \(error)")
    }
}

/// ECDHE key exchange with AES-GCM or ChaCha20-Poly1305: no CBC, no static RSA, no SHA-1 MACs.
let serverTLS12CipherSuites = [
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
].joined(separator: ":")

/// An operator-facing failure: the message is the whole story.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
