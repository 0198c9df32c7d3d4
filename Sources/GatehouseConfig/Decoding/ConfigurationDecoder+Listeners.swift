extension ConfigurationDecoder {
    private static let postgresListenerKeys = ["address", "port", "tls", "allow_cleartext_token_on_loopback", "max_message_bytes",
                                                "authentication_timeout_seconds", "max_connections"]
    private static let httpListenerKeys = ["address", "port", "tls", "idle_timeout_seconds", "max_connections"]
    private static let timeoutRange = 1...3600
    private static let maxConnectionsRange = 1...1_000_000
    // A startup packet alone may be 10000 bytes; the wire format's length field is an Int32.
    private static let maxMessageBytesRange = 16384...Int(Int32.max)

    func decodeListeners(_ value: ConfigValue?) throws -> (PostgresListenerConfiguration, HTTPListenerConfiguration) {
        guard let value else { return (PostgresListenerConfiguration(), HTTPListenerConfiguration()) }
        let listeners = try value.mapping(allowedKeys: ["postgres", "http"])
        let postgres = try listeners.optional("postgres").map(decodePostgresListener) ?? PostgresListenerConfiguration()
        let httpValue = try listeners.optional("http")
        let http = try httpValue.map(decodeHTTPListener) ?? HTTPListenerConfiguration()
        if http.port != 0, http.port == postgres.port, Self.addressesOverlap(http.address, postgres.address) {
            let blame = try httpValue?.mapping(allowedKeys: Self.httpListenerKeys).optional("port") ?? httpValue ?? value
            throw blame.error("port \(http.port) is already used by listeners.postgres")
        }
        return (postgres, http)
    }

    private func decodePostgresListener(_ value: ConfigValue) throws -> PostgresListenerConfiguration {
        let section = try value.mapping(allowedKeys: Self.postgresListenerKeys)
        var listener = PostgresListenerConfiguration()
        if let address = try section.optional("address") { listener.address = try address.nonEmptyString() }
        if let port = try section.optional("port") { listener.port = try port.integer(in: 0...65535) }
        listener.tls = try section.optional("tls").map(decodeTLSFiles)
        if let allow = try section.optional("allow_cleartext_token_on_loopback") {
            listener.allowCleartextTokenOnLoopback = try allow.bool()
        }
        if let limit = try section.optional("max_message_bytes") {
            listener.maxMessageBytes = try limit.integer(in: Self.maxMessageBytesRange)
        }
        if let timeout = try section.optional("authentication_timeout_seconds") {
            listener.authenticationTimeoutSeconds = try timeout.integer(in: Self.timeoutRange)
        }
        if let limit = try section.optional("max_connections") { listener.maxConnections = try limit.integer(in: Self.maxConnectionsRange) }
        return listener
    }

    private func decodeHTTPListener(_ value: ConfigValue) throws -> HTTPListenerConfiguration {
        let section = try value.mapping(allowedKeys: Self.httpListenerKeys)
        var listener = HTTPListenerConfiguration()
        if let address = try section.optional("address") { listener.address = try address.nonEmptyString() }
        if let port = try section.optional("port") { listener.port = try port.integer(in: 0...65535) }
        listener.tls = try section.optional("tls").map(decodeTLSFiles)
        if let timeout = try section.optional("idle_timeout_seconds") { listener.idleTimeoutSeconds = try timeout.integer(in: Self.timeoutRange) }
        if let limit = try section.optional("max_connections") { listener.maxConnections = try limit.integer(in: Self.maxConnectionsRange) }
        return listener
    }

    private func decodeTLSFiles(_ value: ConfigValue) throws -> TLSFiles {
        let tls = try value.mapping(allowedKeys: ["cert", "key"])
        let certificate = try tls.required("cert")
        let key = try tls.required("key")
        return TLSFiles(certificatePath: try existingFile(certificate), keyPath: try existingFile(key))
    }

    /// Whether two listen addresses could collide on one port (a wildcard overlaps all).
    private static func addressesOverlap(_ first: String, _ second: String) -> Bool {
        let wildcards: Set<String> = ["0.0.0.0", "::", "[::]", "*"]
        return first == second || wildcards.contains(first) || wildcards.contains(second)
    }
}
