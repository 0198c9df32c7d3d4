import Dispatch
import AsyncHTTPClient
import Foundation
import GatehouseBlobGateway
import GatehouseConfig
import GatehouseCore
import GatehouseGitGateway
import GatehouseKubeGateway
import GatehouseMCP
import GatehousePostgres
import Logging

/// SIGHUP (or `gatehouse reload`): reads the configuration file again and applies what can change
/// without a restart (docs/configuration.md, "Reloading"): the PostgreSQL, Git, Azure Blob and
/// Kubernetes connections (added, removed, their classification, approval rules, groups, masking, push
/// rules, upstream secrets) and the approval rules the API and UI decide by. The new file is recorded in the ledger before it
/// takes effect; a file that does not load, or whose secrets or TLS settings cannot be used, is
/// refused and the running configuration stays. Sections that need a restart are named in the log.
actor ConfigurationReload {
    private var current: GatehouseConfiguration
    private let gateway: PostgresGateway
    private let git: GitGateway?
    private let blob: BlobGateway?
    private let kubernetes: (gateway: KubeGateway, clients: KubeClients)?
    private let mcp: MCPEndpoint?
    /// The client Blob connections fetch Entra ID tokens with.
    private let httpClient: HTTPClient?
    private let approvals: ApprovalSetup
    private let recorder: any EventRecorder
    private let logger: Logger

    init(_ configuration: GatehouseConfiguration, gateway: PostgresGateway, git: GitGateway?, blob: BlobGateway?,
         kubernetes: (gateway: KubeGateway, clients: KubeClients)?, mcp: MCPEndpoint?, httpClient: HTTPClient?, approvals: ApprovalSetup,
         recorder: any EventRecorder, logger: Logger) {
        current = configuration
        self.gateway = gateway
        self.git = git
        self.blob = blob
        self.kubernetes = kubernetes
        self.mcp = mcp
        self.httpClient = httpClient
        self.approvals = approvals
        self.recorder = recorder
        self.logger = logger
    }

    /// Reloads once; true when the new configuration is in force.
    @discardableResult
    func reload() async -> Bool {
        let fresh: GatehouseConfiguration
        do {
            fresh = try GatehouseConfiguration.load(path: current.sourcePath)
        } catch {
            logger.error("configuration reload refused; the running configuration stays", metadata: ["error": "\(error)"])
            return false
        }
        // Everything built and checked first; nothing is in force until it is recorded.
        let postgres: PostgresGateway.ReloadedConnections
        let gitConnections: [GitGateway.Connection]?
        let blobConnections: [BlobGateway.Connection]?
        let kube: (connections: [KubeGateway.Connection], clients: [HTTPClient])?
        do {
            postgres = try gateway.prepareReload(configuration: fresh, masking: try MaskingSetup.settings(for: fresh))
            gitConnections = try git.map { _ in try GitSetup.connections(fresh) }
            blobConnections = try blob.flatMap { _ in try httpClient.map { try BlobSetup.connections(fresh, httpClient: $0) } }
            // Last: its HTTP clients are the only thing a refusal must undo.
            kube = try kubernetes.map { _ in try KubernetesSetup.connections(fresh) }
        } catch {
            logger.error("configuration reload refused; the running configuration stays", metadata: ["error": "\(error)"])
            return false
        }
        do {
            // Evidence first: what took effect, and when, is in the ledger before it does.
            try await recorder.record([try LedgerSetup.configurationEvent(fresh)])
        } catch {
            for client in kube?.clients ?? [] { try? await client.shutdown() }
            logger.error("configuration reload refused: it could not be recorded", metadata: ["error": "\(error)"])
            return false
        }
        gateway.applyReload(postgres)
        if let gitConnections { git?.reload(connections: gitConnections) }
        if let blobConnections { blob?.reload(connections: blobConnections) }
        if let kube, let kubernetes {
            kubernetes.clients.add(kube.clients)
            kubernetes.gateway.reload(connections: kube.connections)
        }
        approvals.rules.current = fresh.approvalRulesByConnection
        mcp?.connections.replace(with: MCPSetup.connections(fresh))
        let later = Self.needingRestart(from: current, to: fresh)
        current = fresh
        logger.notice("configuration reloaded", metadata: [
            "connections": "\((fresh.connections.map(\.name) + fresh.gitConnections.map(\.name) + fresh.blobConnections.map(\.name) + fresh.kubernetesConnections.map(\.name)).sorted().joined(separator: ","))",
            "needs_restart": "\(later.isEmpty ? "nothing" : later.joined(separator: ","))",
        ])
        return true
    }

    /// The sections that changed but take effect only at the next start.
    /// (Git and Blob routes exist only when the gateway started with such a connection.)
    static func needingRestart(from old: GatehouseConfiguration, to new: GatehouseConfiguration) -> [String] {
        var sections: [String] = []
        if old.dataDirectory != new.dataDirectory { sections.append("data_dir") }
        if old.postgresListener != new.postgresListener || old.httpListener != new.httpListener { sections.append("listeners") }
        if old.issuers != new.issuers || old.devIssuer != new.devIssuer { sections.append("identity") }
        if old.kubernetesConnections.isEmpty != new.kubernetesConnections.isEmpty { sections.append("the first or last kubernetes connection") }
        if old.gitConnections.isEmpty != new.gitConnections.isEmpty { sections.append("the first or last git connection") }
        if old.blobConnections.isEmpty != new.blobConnections.isEmpty { sections.append("the first or last azure-blob connection") }
        if old.ledger != new.ledger { sections.append("ledger") }
        if old.notifications != new.notifications { sections.append("notifications") }
        if old.web != new.web { sections.append("web") }
        if old.store != new.store { sections.append("store") }
        if old.mcp != new.mcp { sections.append("mcp") }
        if old.connections.isEmpty != new.connections.isEmpty { sections.append("the postgres listener (bound only with postgres connections)") }
        return sections
    }
}

/// SIGHUP as a stream: the default action (terminate) is replaced at once, so a hang-up never
/// stops the gateway.
func hangupSignals() -> AsyncStream<Void> {
    signal(SIGHUP, SIG_IGN)
    return AsyncStream { continuation in
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        continuation.onTermination = { _ in source.cancel() }
    }
}
