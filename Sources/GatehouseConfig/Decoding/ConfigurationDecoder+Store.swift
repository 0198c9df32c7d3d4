import Foundation
import GatehouseCore

extension ConfigurationDecoder {
    private static let storeKeys = ["type", "host", "port", "database", "user", "password_env", "password_file", "sslmode", "ca_file",
                                    "instance"]

    func decodeStore(_ value: ConfigValue?) throws -> StoreConfiguration {
        guard let value else { return .sqlite }
        let section = try value.mapping(allowedKeys: Self.storeKeys)
        let type = try section.required("type")
        switch try type.string() {
        case "sqlite":
            for key in Self.storeKeys where key != "type" {
                if let node = try section.optional(key) { throw node.error("is only used with type postgres") }
            }
            return .sqlite
        case "postgres":
            break
        default:
            throw type.error("must be sqlite or postgres")
        }
        let port = try section.optional("port").map { try $0.integer(in: 1...65535) } ?? 5432
        var store = PostgresStoreConfiguration(hosts: try decodeStoreHosts(section.required("host"), port: port),
                                               database: try section.required("database").nonEmptyString(),
                                               user: try section.required("user").nonEmptyString())
        store.password = try decodeSecretSource(in: section, environmentKey: "password_env", fileKey: "password_file", secret: "password")
        if let mode = try section.optional("sslmode") {
            store.sslMode = try mode.oneOf(UpstreamTLSMode.self)
            // Every sealed entry and wrapped data key crosses this connection.
            if store.sslMode == .disable, let remote = store.hosts.first(where: { !isLoopbackHost($0.host) }) {
                throw mode.error("disable is only for a store on loopback; use require or verify-full for \(remote.host)")
            }
        }
        if let caFile = try section.optional("ca_file") {
            guard store.sslMode == .verifyFull else { throw caFile.error("is only used with sslmode verify-full") }
            store.caFile = try existingFile(caFile)
        }
        if let instance = try section.optional("instance") { store.instance = try instance.nonEmptyString() }
        return .postgres(store)
    }

    /// `host`: one name, or a list (a primary and its standbys, tried in order); each entry
    /// `name`, `name:port` or `[IPv6]:port`, the port defaulting to `port`.
    private func decodeStoreHosts(_ value: ConfigValue, port: Int) throws -> [PostgresStoreHost] {
        let entries: [ConfigValue]
        if case .sequence = value.node { entries = try value.nonEmptyList(of: "host") } else { entries = [value] }
        return try entries.map { entry in
            let text = try entry.nonEmptyString()
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                let host = String(text[text.index(after: text.startIndex)..<close])
                let rest = text[text.index(after: close)...]
                guard rest.isEmpty || rest.hasPrefix(":") else { throw entry.error("'\(text)' is not [address]:port") }
                return PostgresStoreHost(host: host, port: rest.isEmpty ? port : try storePort(String(rest.dropFirst()), entry))
            }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            switch parts.count {
            case 1: return PostgresStoreHost(host: text, port: port)
            case 2: return PostgresStoreHost(host: String(parts[0]), port: try storePort(String(parts[1]), entry))
            default: return PostgresStoreHost(host: text, port: port)  // an IPv6 address without a port
            }
        }
    }

    private func storePort(_ text: String, _ entry: ConfigValue) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw entry.error("'\(text)' is not a port (1 to 65535)") }
        return port
    }
}
