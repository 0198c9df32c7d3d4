import GatehouseConfig
import GatehouseMetrics

/// The metrics `/metrics` serves, labelled with the configured connections' names and protocols.
enum MetricsSetup {
    static func metrics(for configuration: GatehouseConfiguration) -> GatewayMetrics {
        var protocols: [String: String] = [:]
        for connection in configuration.connections { protocols[connection.name] = "postgres" }
        for connection in configuration.gitConnections { protocols[connection.name] = "git" }
        for connection in configuration.blobConnections { protocols[connection.name] = "azure-blob" }
        for connection in configuration.kubernetesConnections { protocols[connection.name] = "kubernetes" }
        return GatewayMetrics(connections: protocols)
    }
}
