extension GatehouseConfiguration {
    /// A human-readable overview for `gatehouse check-config`: what will listen where, whom
    /// it trusts, and what each connection reaches. Says where secrets come from, never what
    /// they are.
    public func renderedSummary() -> String {
        var lines = ["Configuration \(sourcePath)", "  data directory: \(dataDirectory)", "Listeners"]
        lines.append("  postgres: \(Self.endpoint(postgresListener.address, postgresListener.port)), \(Self.describe(postgresListener.tls))")
        lines.append("    cleartext token on loopback: \(postgresListener.allowCleartextTokenOnLoopback ? "allowed" : "refused")")
        lines.append("    max message size: \(postgresListener.maxMessageBytes) bytes")
        lines.append("  http: \(Self.endpoint(httpListener.address, httpListener.port)), \(Self.describe(httpListener.tls))")
        lines.append("Identity")
        for issuer in issuers {
            lines.append("  issuer \(issuer.issuer)")
            lines.append("    audiences: \(issuer.audiences.joined(separator: ", "))")
            lines.append("    discovery: \(issuer.effectiveDiscoveryURL)")
            lines.append("    groups claim: \(issuer.groupsClaim); algorithms: \(issuer.algorithms.joined(separator: ", ")); leeway: \(issuer.leewaySeconds) s")
        }
        if let devIssuer {
            lines.append("  dev issuer: enabled, audience \(devIssuer.audience), tokens valid \(devIssuer.tokenTTLSeconds) s")
        } else {
            lines.append("  dev issuer: disabled")
        }
        lines.append("Connections")
        for connection in connections {
            lines.append(contentsOf: Self.describe(connection))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ connection: ConnectionConfiguration) -> [String] {
        let upstream = connection.upstream
        var tls = "sslmode \(upstream.sslMode.rawValue)"
        if upstream.sslMode == .verifyFull { tls += ", CA \(upstream.caFile ?? "system trust store")" }
        let tables = connection.personalData.tables
        let wholeTables = tables.filter { $0.category != nil }.count
        let columns = tables.reduce(0) { $0 + $1.columns.count }
        return [
            "  \(connection.name) (\(connection.type.rawValue))",
            "    upstream: \(endpoint(upstream.host, upstream.port)), database \(upstream.database), user \(upstream.user), \(tls)",
            "    password: \(upstream.password.map { "from \($0)" } ?? "none (trust authentication)")",
            "    allowed groups: \(connection.allowedGroups.joined(separator: ", "))",
            "    personal data: \(tables.count) table(s) classified (\(wholeTables) as a whole), \(columns) column(s)",
        ]
    }

    private static func endpoint(_ host: String, _ port: Int) -> String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return port == 0 ? "\(shownHost):<any free port>" : "\(shownHost):\(port)"
    }

    private static func describe(_ tls: TLSFiles?) -> String {
        guard let tls else { return "no TLS" }
        return "TLS (certificate \(tls.certificatePath), key \(tls.keyPath))"
    }
}
