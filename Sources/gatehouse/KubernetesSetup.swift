import AsyncHTTPClient
import Foundation
import GatehouseConfig
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseIdentity
import GatehouseKubeGateway
import GatehouseKubernetes
import GatehousePolicy
import NIOSSL

/// Builds the Kubernetes gateway from the `type: kubernetes` connections: per connection an HTTP
/// client trusting the cluster's CA (and presenting the client certificate), the token source,
/// the rules and the masking engine. A missing CA, certificate or token stops the start.
enum KubernetesSetup {
    /// The gateway, and the HTTP clients to shut down with it (a reload adds its own).
    static func gateway(_ configuration: GatehouseConfiguration, validator: TokenValidator, recorder: any EventRecorder,
                        approvals: ApprovalSetup) throws -> (gateway: KubeGateway, clients: KubeClients)? {
        guard !configuration.kubernetesConnections.isEmpty else { return nil }
        let (connections, clients) = try connections(configuration)
        let gateway: KubeGateway
        do {
            gateway = KubeGateway(connections: connections, authenticate: { try await validator.validate($0) }, recorder: recorder,
                                  engine: try MaskingSetup.globalEngine(for: configuration), approvals: approvals.broker,
                                  approvalURL: approvals.url, notificationKinds: approvals.notificationKinds)
        } catch {
            for client in clients { try? client.syncShutdown() }
            throw error
        }
        return (gateway, KubeClients(clients))
    }

    /// The connections, each with an HTTP client of its own (also for a reload: a CA, certificate
    /// or token that cannot be read refuses it). The caller shuts the clients down.
    static func connections(_ configuration: GatehouseConfiguration) throws -> (connections: [KubeGateway.Connection], clients: [HTTPClient]) {
        var clients: [HTTPClient] = []
        var connections: [KubeGateway.Connection] = []
        do {
            for connection in configuration.kubernetesConnections {
                let prefix = "\(configuration.sourcePath): connection '\(connection.name)'"
                let upstream = connection.upstream
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.minimumTLSVersion = .tlsv12
                let token: (@Sendable () throws -> String)?
                do {
                    if let caFile = upstream.caFile {
                        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
                    }
                    switch upstream.credential {
                    case .token(let source):
                        _ = try source.resolve()
                        token = { try source.resolve() }
                    case .clientCertificate(let certificate, let key):
                        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
                        token = nil
                    }
                } catch {
                    throw ValidationFailure("\(prefix): \(error)")
                }
                let endpoint: UpstreamEndpoint
                do {
                    endpoint = try UpstreamEndpoint(url: upstream.apiServer)
                } catch {
                    throw ValidationFailure("\(prefix): \(error)")
                }
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPForwarder.clientConfiguration(tls: tls))
                clients.append(client)
                connections.append(KubeGateway.Connection(
                    name: connection.name, upstream: endpoint, token: token, forwarder: HTTPForwarder(client: client), tls: tls,
                    allowedGroups: connection.allowedGroups, operations: Set(connection.operations),
                    classification: KubeClassification(rules: connection.personalData, namespaces: connection.namespaces),
                    commands: connection.commands, approval: KubeApprovalTrigger(rules: connection.approval)))
            }
        } catch {
            for client in clients { try? client.syncShutdown() }
            throw error
        }
        return (connections, clients)
    }
}

/// The Kubernetes connections' HTTP clients: those of the start and of every reload since, kept
/// open while exec sessions may still use them, shut down when the gateway stops.
final class KubeClients: @unchecked Sendable {
    private let lock = NSLock()
    private var clients: [HTTPClient]

    init(_ clients: [HTTPClient]) { self.clients = clients }

    func add(_ more: [HTTPClient]) { lock.withLock { clients += more } }

    var all: [HTTPClient] { lock.withLock { clients } }
}
