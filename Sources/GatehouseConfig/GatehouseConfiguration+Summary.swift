import GatehouseMasking
import GatehousePolicy
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
        for connection in gitConnections {
            lines.append(contentsOf: Self.describe(connection))
        }
        for connection in blobConnections {
            lines.append(contentsOf: Self.describe(connection))
        }
        for connection in kubernetesConnections {
            lines.append(contentsOf: Self.describe(connection))
        }
        lines.append(contentsOf: describeMasking())
        lines.append(contentsOf: describeLedger())
        lines.append(contentsOf: describeWeb())
        lines.append("MCP endpoint")
        if mcp.enabled {
            let writable = connections.filter(\.mcpWrites).map(\.name)
            lines.append("  \(publicBaseURL)/mcp: at most \(mcp.maxRows) rows a query; sessions close after \(mcp.sessionIdleMinutes) idle minutes")
            lines.append("  query may write on: " + (writable.isEmpty ? "none (reads only)" : writable.joined(separator: ", ")))
        } else {
            lines.append("  off (mcp.enabled)")
        }
        lines.append("Notifications")
        if notifications.isEmpty { lines.append("  none") }
        for target in notifications {
            let url: String
            switch target.url {
            case .inline: url = "URL in the file"
            case .secret(let source): url = "URL from \(source)"
            }
            lines.append("  \(target.name): \(target.kind), \(url)" + (target.secret.map { ", signed with the secret from \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func describeWeb() -> [String] {
        let signIn: String
        if let login = web.login {
            signIn = "\(login.issuer), client \(login.clientID)" + (login.clientSecret.map { ", secret from \($0)" } ?? " (public client, PKCE)")
        } else if devIssuer != nil {
            signIn = "the dev issuer, client \(WebConfiguration.devIssuerClientID) (development only)"
        } else {
            signIn = "not configured (set web.login): the UI cannot sign anyone in"
        }
        let approvers = approverGroups
        func groups(_ list: [String]) -> String { list.isEmpty ? "none" : list.joined(separator: ", ") }
        return [
            "Web UI", "  public URL: \(publicBaseURL)/ui", "  sign-in: \(signIn)",
            "  roles: approver \(groups(approvers)); auditor \(groups(web.auditorGroups)); admin \(groups(web.adminGroups))",
            "  sessions last \(web.sessionMinutes) minutes",
        ]
    }

    private func describeLedger() -> [String] {
        let key = ledger.masterKey.map { "from \($0)" } ?? "file \(defaultLedgerMasterKeyPath) (generated on first start if missing)"
        let database: String
        switch store {
        case .sqlite:
            database = "  database: \(ledgerDatabasePath)"
        case .postgres(let shared):
            database = "  shared log: PostgreSQL \(shared.user)@\(shared.hosts.map(\.description).joined(separator: ","))/\(shared.database) (sslmode \(shared.sslMode.rawValue), "
                + "password \(shared.password.map { "from \($0)" } ?? "none")), this instance '\(shared.instance)'; "
                + "its index: \(ledgerDatabasePath)"
        }
        var lines = ["Ledger", database, "  master key: \(key)",
                     "  signing key: \(ledgerSigningKeySource); origin: \(ledger.origin ?? "the signing key's name")",
                     "  checkpoints: every \(ledger.checkpointIntervalMilliseconds) ms when grown; sink: \(ledger.checkpointSink.map { "\($0)" } ?? "none")"]
        let overrides = connections.compactMap { connection in connection.retentionDays.map { "\(connection.name) \($0) days" } }
        lines.append("  retention: \(ledger.retentionDays) days" + (overrides.isEmpty ? "" : " (\(overrides.joined(separator: ", ")))"))
        return lines
    }

    private func describeMasking() -> [String] {
        let key = masking.key.map { "from \($0)" } ?? "file \(defaultMaskingKeyPath) (generated on first start if missing)"
        let detectors: String
        if masking.detectors.isEmpty {
            detectors = "none built in"
        } else if Set(masking.detectors) == Set(MaskingConfiguration.builtinDetectors) {
            detectors = "all built-in (\(masking.detectors.joined(separator: ", ")))"
        } else {
            detectors = masking.detectors.joined(separator: ", ")
        }
        var lines = ["Masking", "  key: \(key)", "  detectors: \(detectors)"]
        if masking.detectors.contains(IdentifierKind.phone.rawValue) {
            let regions = masking.phoneRegions.isEmpty ? "none (international numbers only)" : masking.phoneRegions.joined(separator: ", ")
            lines.append("  phone regions: \(regions)")
        }
        lines.append("  strategies: \(Self.describeStrategies(masking.rules, showDefault: true))")
        lines.append("  categories: \(Self.describeCategories(masking.rules) ?? "none (each category uses the default strategy)")")
        let patterns = masking.customPatterns.map(\.name)
        lines.append("  custom patterns: \(patterns.isEmpty ? "none" : patterns.joined(separator: ", "))")
        let dictionaries = masking.dictionaries.map { dictionary -> String in
            switch dictionary.terms {
            case .inline(let terms): return "\(dictionary.name) (\(terms.count) term(s))"
            case .file(let path): return "\(dictionary.name) (file \(path))"
            }
        }
        lines.append("  dictionaries: \(dictionaries.isEmpty ? "none" : dictionaries.joined(separator: ", "))")
        return lines
    }

    /// `default redact; email pseudonym, iban partial` (kinds sorted).
    private static func describeStrategies(_ rules: MaskingRules, showDefault: Bool) -> String {
        var parts: [String] = []
        if showDefault || rules.defaultStrategy != nil { parts.append("default \(rules.effectiveDefaultStrategy.rawValue)") }
        let kinds = rules.strategies.keys.sorted().map { "\($0) \(rules.strategies[$0]!.rawValue)" }
        if !kinds.isEmpty { parts.append(kinds.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    /// `free-text detect, name pseudonym` (categories sorted); nil when there are none.
    private static func describeCategories(_ rules: MaskingRules) -> String? {
        guard !rules.categories.isEmpty else { return nil }
        return rules.categories.keys.sorted().map { "\($0) \(rules.categories[$0]!.rawValue)" }.joined(separator: ", ")
    }

    private static func describe(_ connection: ConnectionConfiguration) -> [String] {
        let upstream = connection.upstream
        var tls = "sslmode \(upstream.sslMode.rawValue)"
        if upstream.sslMode == .verifyFull { tls += ", CA \(upstream.caFile ?? "system trust store")" }
        let tables = connection.personalData.tables
        let wholeTables = tables.filter { $0.category != nil }.count
        let columns = tables.reduce(0) { $0 + $1.columns.count }
        var lines = [
            "  \(connection.name) (\(connection.type.rawValue))",
            "    upstream: \(endpoint(upstream.host, upstream.port)), database \(upstream.database), user \(upstream.user), \(tls)",
            "    password: \(upstream.password.map { "from \($0)" } ?? "none (trust authentication)")",
            "    allowed groups: \(connection.allowedGroups.joined(separator: ", "))",
            "    personal data: \(tables.count) table(s) classified (\(wholeTables) as a whole), \(columns) column(s)"
                + (connection.personalData.subjectKeys.isEmpty ? "" : ", \(connection.personalData.subjectKeys.count) subject key(s)"),
            "    approval: \(describe(connection.approval))",
        ]
        if !connection.personalData.isEmpty {
            lines.append("    database backstop: " + (upstream.approvedRole.map { "approved statements run as role \($0), the rest as \(upstream.user)" }
                ?? "no approved role (every statement runs as \(upstream.user))"))
            if let risk = upstream.acceptedRisk { lines.append("    upstream role risk accepted: \(risk)") }
        }
        if !connection.masking.isEmpty {
            var overrides: [String] = []
            if connection.masking.defaultStrategy != nil || !connection.masking.strategies.isEmpty {
                overrides.append("strategies \(describeStrategies(connection.masking, showDefault: false))")
            }
            if let categories = describeCategories(connection.masking) { overrides.append("categories \(categories)") }
            lines.append("    masking overrides: \(overrides.joined(separator: "; "))")
        }
        return lines
    }

    private static func describe(_ credential: BlobUpstream.Credential) -> String {
        switch credential {
        case .sharedKey(let account, let key): "Shared Key of account \(account) from \(key)"
        case .entraID(let client): "Entra ID application \(client.clientID) in tenant \(client.tenantID), \(client.proof)"
        case .sas(let source): "shared access signature from \(source)"
        }
    }

    private static func describe(_ connection: BlobConnectionConfiguration) -> [String] {
        let rules = connection.personalData.map { rule in
            "\(rule.container)/\(rule.blobs): \(rule.category) (\(rule.format?.rawValue ?? "format from the name"))"
        }
        return [
            "  \(connection.name) (azure-blob)",
            "    upstream: \(connection.upstream.accountURL), " + Self.describe(connection.upstream.credential),
            "    allowed groups: \(connection.allowedGroups.joined(separator: ", ")); may write: "
                + (connection.readWriteGroups.isEmpty ? "nobody" : connection.readWriteGroups.joined(separator: ", ")),
            "    operations: \(connection.operations.map(\.rawValue).joined(separator: ", "))",
            "    personal data: " + (rules.isEmpty ? "no path classified" : rules.joined(separator: "; ")),
            "    upload scan: \(connection.uploadScan.rawValue)",
        ]
    }

    private static func describe(_ connection: KubernetesConnectionConfiguration) -> [String] {
        let upstream = connection.upstream
        let credential: String
        switch upstream.credential {
        case .token(let source): credential = "token from \(source)"
        case .clientCertificate(let certificate, _): credential = "client certificate \(certificate)"
        }
        let rules = connection.personalData.map { rule in
            "\(rule.namespace)/\(rule.pods)" + (rule.labels.isEmpty ? "" : " with labels "
                + rule.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) + ": \(rule.category)"
        }
        let commands = connection.commands
        return [
            "  \(connection.name) (kubernetes)",
            "    upstream: \(upstream.apiServer), \(credential), " + (upstream.caFile.map { "CA \($0)" } ?? "system trust"),
            "    allowed groups: \(connection.allowedGroups.joined(separator: ", ")); namespaces: \(connection.namespaces.joined(separator: ", "))",
            "    operations: \(connection.operations.map(\.rawValue).joined(separator: ", "))",
            "    personal data: " + (rules.isEmpty ? "no pod classified" : rules.joined(separator: "; ")),
            "    commands: " + (commands.allowed.isEmpty && commands.refused.isEmpty ? "any"
                : "allowed " + (commands.allowed.isEmpty ? "any" : commands.allowed.map(\.text).joined(separator: ", "))
                  + "; refused " + (commands.refused.isEmpty ? "none" : commands.refused.map(\.text).joined(separator: ", "))),
        ]
    }

    private static func describe(_ connection: GitConnectionConfiguration) -> [String] {
        let upstream = connection.upstream
        let credential: String
        switch upstream.authentication {
        case .none: credential = "no credential"
        case .basic: credential = "basic as \(upstream.username), token from \(upstream.token.map { "\($0)" } ?? "nowhere")"
        case .bearer: credential = "bearer token from \(upstream.token.map { "\($0)" } ?? "nowhere")"
        }
        let push = connection.push
        return [
            "  \(connection.name) (git)",
            "    upstream: \(upstream.url), \(credential)",
            "    allowed groups: \(connection.allowedGroups.joined(separator: ", "))",
            "    push: branches \(push.branches.joined(separator: ", ")); tags \(push.tags ? "allowed" : "refused"); "
                + "forced updates \(push.allowForce ? "allowed" : "refused"); scan \(push.scan.rawValue)",
            "    personal data: " + (connection.personalDataRepositories.isEmpty ? "no repository classified"
                : connection.personalDataRepositories.map(describe).joined(separator: "; ")),
            "    approval: \(describe(connection.approval))",
        ]
    }

    private static func describe(_ repository: PersonalDataRepository) -> String {
        let categories = repository.categories.isEmpty ? "" : " (\(repository.categories.joined(separator: ", ")))"
        return "\(repository.pattern)\(categories), \(repository.operations.sorted().map(\.rawValue).joined(separator: " and ")) held"
    }

    private static func describe(_ rules: ApprovalRules) -> String {
        var parts = [rules.mode.rawValue]
        if !rules.kindsRequiringApproval.isEmpty {
            parts.append("always for \(rules.kindsRequiringApproval.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        let holds = rules.mode != .never || !rules.kindsRequiringApproval.isEmpty
        if holds {
            parts.append(rules.approverGroups.isEmpty
                ? "no approver groups: held requests are refused"
                : "approvers \(rules.approverGroups.joined(separator: ", ")) (\(rules.minimumApprovals) needed)")
            parts.append("hold \(rules.holdTimeoutSeconds) s, grants up to \(rules.maximumGrantMinutes) min")
        }
        if !rules.breakGlassGroups.isEmpty { parts.append("break-glass \(rules.breakGlassGroups.joined(separator: ", "))") }
        return parts.joined(separator: "; ")
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
