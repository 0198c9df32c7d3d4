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
        var store = PostgresStoreConfiguration(host: try section.required("host").nonEmptyString(), database: try section.required("database").nonEmptyString(),
                                               user: try section.required("user").nonEmptyString())
        if let port = try section.optional("port") { store.port = try port.integer(in: 1...65535) }
        store.password = try decodeSecretSource(in: section, environmentKey: "password_env", fileKey: "password_file", secret: "password")
        if let mode = try section.optional("sslmode") {
            store.sslMode = try mode.oneOf(UpstreamTLSMode.self)
            // Every sealed entry and wrapped data key crosses this connection.
            guard store.sslMode != .disable || isLoopbackHost(store.host) else {
                throw mode.error("disable is only for a store on loopback; use require or verify-full for \(store.host)")
            }
        }
        if let caFile = try section.optional("ca_file") {
            guard store.sslMode == .verifyFull else { throw caFile.error("is only used with sslmode verify-full") }
            store.caFile = try existingFile(caFile)
        }
        if let instance = try section.optional("instance") { store.instance = try instance.nonEmptyString() }
        return .postgres(store)
    }
}
