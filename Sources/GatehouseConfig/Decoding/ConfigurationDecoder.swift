import Foundation

/// Walks the YAML node tree and builds the typed configuration, applying defaults and the
/// validation rules of docs/configuration.md. Each section lives in its own extension file.
struct ConfigurationDecoder {
    let paths: PathResolver

    func decodeConfiguration(_ root: ConfigValue, sourcePath: String) throws -> GatehouseConfiguration {
        let document = try root.mapping(allowedKeys: ["data_dir", "listeners", "identity", "connections", "masking", "ledger", "notifications", "web", "store", "mcp"])
        let dataDirectory = try absolutePath(document.required("data_dir"))
        let (postgresListener, httpListener) = try decodeListeners(document.optional("listeners"))
        let (issuers, devIssuer) = try decodeIdentity(document.optional("identity"), in: document)
        let decoded = try decodeConnections(document.required("connections"))
        let masking = try decodeMasking(document.optional("masking"))
        let ledger = try decodeLedger(document.optional("ledger"))
        let notifications = try decodeNotifications(document.optional("notifications"))
        let web = try decodeWeb(document.optional("web"), issuers: issuers)
        let store = try decodeStore(document.optional("store"))
        let mcp = try decodeMCP(document.optional("mcp"))
        if case .postgres = store, ledger.masterKey == nil, let section = try document.optional("store") {
            // A generated key file would differ per instance: each could read only its own sealed fields.
            throw section.error("with type postgres, every instance needs the same master key: set ledger.master_key_env or ledger.master_key_file")
        }
        if case .postgres = store, ledger.signingKey == nil, let section = try document.optional("store") {
            // Every instance signs checkpoints of the one log: with keys of their own, no key verifies them all.
            throw section.error("with type postgres, every instance signs checkpoints with the same key: set ledger.signing_key_env or "
                                + "ledger.signing_key_file (`gatehouse audit key --new` prints a new one)")
        }
        if devIssuer != nil, let identity = try document.optional("identity") {
            try checkDevIssuerStaysLocal(identity, httpListener: httpListener, web: web)
        }
        return GatehouseConfiguration(
            sourcePath: sourcePath, dataDirectory: dataDirectory, postgresListener: postgresListener,
            httpListener: httpListener, issuers: issuers, devIssuer: devIssuer, connections: decoded.postgres, gitConnections: decoded.git,
            blobConnections: decoded.blob, kubernetesConnections: decoded.kubernetes,
            masking: masking, ledger: ledger, notifications: notifications, web: web, store: store, mcp: mcp)
    }

    func absolutePath(_ value: ConfigValue) throws -> String {
        paths.absolute(try value.nonEmptyString())
    }

    /// An absolute path to a readable regular file (certificates, keys, CA bundles are
    /// checked now, so a typo fails `check-config` rather than the first TLS handshake).
    func existingFile(_ value: ConfigValue) throws -> String {
        let path = try absolutePath(value)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw value.error("file \(path) does not exist")
        }
        guard !isDirectory.boolValue else { throw value.error("\(path) is a directory, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw value.error("file \(path) cannot be read") }
        return path
    }
}
