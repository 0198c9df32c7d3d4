import Foundation
import GatehouseBlobGateway
import GatehouseConfig
import GatehouseCore
import GatehouseIdentity
import GatehouseMCP
import GatehousePostgres
import Logging
import NIOCore

/// Builds the MCP endpoint (docs/mcp.md) from the configuration: nil unless `mcp.enabled`.
enum MCPSetup {
    static func endpoint(
        _ configuration: GatehouseConfiguration, issuers: [IssuerConfiguration], validator: TokenValidator, postgres: PostgresGateway?,
        blob: BlobGateway?, recorder: any EventRecorder, group: EventLoopGroup, logger: Logger
    ) -> MCPEndpoint? {
        let mcp = configuration.mcp
        guard mcp.enabled else { return nil }
        let publicURL = configuration.publicBaseURL
        let settings = MCPSettings(
            resourceURL: publicURL + MCPEndpoint.path, authorizationServers: issuers.map(\.issuer),
            allowedHosts: allowedHosts(configuration), allowedOrigins: [origin(of: publicURL)] + mcp.allowedOrigins,
            maxRows: mcp.maxRows, sessionIdleSeconds: mcp.sessionIdleMinutes * 60)
        return MCPEndpoint(settings: settings, connections: MCPConnectionTable(connections(configuration)), validator: validator,
                           postgres: postgres, blob: blob.map { blob in { request, context in await blob.handle(request, context: context) } },
                           recorder: recorder, eventLoopGroup: group, logger: logger)
    }

    /// Every connection, as the tools list them.
    static func connections(_ configuration: GatehouseConfiguration) -> [MCPConnection] {
        configuration.connections.map {
            MCPConnection(name: $0.name, type: "postgres", allowedGroups: $0.allowedGroups, classification: $0.personalData, writesAllowed: $0.mcpWrites)
        }
            + configuration.gitConnections.map { MCPConnection(name: $0.name, type: "git", allowedGroups: $0.allowedGroups) }
            + configuration.blobConnections.map { MCPConnection(name: $0.name, type: "azure-blob", allowedGroups: $0.allowedGroups) }
            + configuration.kubernetesConnections.map { MCPConnection(name: $0.name, type: "kubernetes", allowedGroups: $0.allowedGroups) }
    }

    /// The Host headers the endpoint answers: the public URL's host (with and without its
    /// port), and on a loopback listener the loopback names on any port.
    static func allowedHosts(_ configuration: GatehouseConfiguration) -> [String] {
        var hosts: [String] = []
        if let url = URLComponents(string: configuration.publicBaseURL), let host = url.host {
            let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            let port = url.port ?? (url.scheme == "https" ? 443 : 80)
            hosts += [bracketed, "\(bracketed):\(port)"]
        }
        if isLoopbackHost(configuration.httpListener.address) {
            hosts += ["127.0.0.1:*", "localhost:*", "[::1]:*", "127.0.0.1", "localhost", "[::1]"]
        }
        return hosts
    }

    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return url }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
