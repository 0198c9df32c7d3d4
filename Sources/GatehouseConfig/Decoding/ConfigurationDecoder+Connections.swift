extension ConfigurationDecoder {
    private static let connectionKeys = ["name", "type", "upstream", "allowed_groups", "personal_data", "masking", "retention_days", "approval",
                                         "mcp_writes"]
    private static let upstreamKeys = ["host", "port", "database", "user", "password_env", "password_file", "sslmode", "ca_file", "approved_role",
                                       "accept_risk", "login_timeout_seconds"]

    /// Every `connections` entry, by type.
    struct DecodedConnections {
        var postgres: [ConnectionConfiguration] = []
        var git: [GitConnectionConfiguration] = []
        var blob: [BlobConnectionConfiguration] = []
        var kubernetes: [KubernetesConnectionConfiguration] = []
    }

    /// The `connections` list: PostgreSQL entries, Git entries (`type: git`, see
    /// ConfigurationDecoder+GitConnections), Azure Blob entries (`type: azure-blob`,
    /// ConfigurationDecoder+BlobConnections) and Kubernetes entries (`type: kubernetes`,
    /// ConfigurationDecoder+KubernetesConnections), one namespace of names.
    func decodeConnections(_ value: ConfigValue) throws -> DecodedConnections {
        var decoded = DecodedConnections()
        var nameLines: [String: Int] = [:]
        for item in try value.nonEmptyList(of: "connection") {
            // The type decides which keys belong: read it first, then check the entry against them.
            let everyKey = Self.connectionKeys + Self.gitConnectionKeys + Self.blobConnectionKeys + Self.kubernetesConnectionKeys
            let type = try item.mapping(allowedKeys: everyKey).required("type").oneOf(ConnectionType.self)
            let keys = switch type {
            case .postgres: Self.connectionKeys
            case .git: Self.gitConnectionKeys
            case .azureBlob: Self.blobConnectionKeys
            case .kubernetes: Self.kubernetesConnectionKeys
            }
            let entry = try item.mapping(allowedKeys: keys)
            let nameValue = try entry.required("name")
            let name = try connectionName(nameValue)
            if let firstLine = nameLines[name] {
                throw nameValue.error("connection name '\(name)' is already used on line \(firstLine)")
            }
            nameLines[name] = nameValue.mark?.line ?? 0
            switch type {
            case .git:
                decoded.git.append(try decodeGitConnection(entry, name: name))
                continue
            case .azureBlob:
                decoded.blob.append(try decodeBlobConnection(entry, name: name))
                continue
            case .kubernetes:
                decoded.kubernetes.append(try decodeKubernetesConnection(entry, name: name))
                continue
            case .postgres:
                break
            }
            let personalData = try decodePersonalData(entry.optional("personal_data"))
            decoded.postgres.append(
                ConnectionConfiguration(
                    name: name,
                    type: type,
                    upstream: try decodeUpstream(entry.required("upstream")),
                    allowedGroups: try entry.required("allowed_groups").nonEmptyStringList(of: "group"),
                    personalData: personalData,
                    masking: try decodeConnectionMasking(entry.optional("masking")),
                    retentionDays: try entry.optional("retention_days")?.integer(in: Self.retentionDayRange),
                    approval: try decodeApproval(entry.optional("approval"), classification: personalData),
                    mcpWrites: try entry.optional("mcp_writes")?.bool() ?? false))
        }
        return decoded
    }

    /// An `operations` list of a Blob or Kubernetes connection: known names, none twice.
    func operationList<Operation: RawRepresentable & CaseIterable & Equatable>(_ value: ConfigValue) throws -> [Operation]
    where Operation.RawValue == String {
        var operations: [Operation] = []
        for item in try value.nonEmptyList(of: "operation") {
            let operation = try item.oneOf(Operation.self)
            guard !operations.contains(operation) else { throw item.error("operation '\(operation.rawValue)' is listed twice") }
            operations.append(operation)
        }
        return operations
    }

    /// Clients send the name as the PostgreSQL database, so keep it to characters every
    /// client passes through unchanged.
    func connectionName(_ value: ConfigValue) throws -> String {
        try NameRegistry.plainName(value)
    }

    private func decodeUpstream(_ value: ConfigValue) throws -> PostgresUpstream {
        let section = try value.mapping(allowedKeys: Self.upstreamKeys)
        var upstream = PostgresUpstream(
            host: try section.required("host").nonEmptyString(),
            database: try section.required("database").nonEmptyString(),
            user: try section.required("user").nonEmptyString())
        if let port = try section.optional("port") { upstream.port = try port.integer(in: 1...65535) }
        upstream.password = try decodePasswordSource(section)
        if let mode = try section.optional("sslmode") { upstream.sslMode = try mode.oneOf(UpstreamTLSMode.self) }
        if let caFile = try section.optional("ca_file") {
            // A CA that is silently ignored would look like verification that is not happening.
            guard upstream.sslMode == .verifyFull else { throw caFile.error("is only used with sslmode verify-full") }
            upstream.caFile = try existingFile(caFile)
        }
        if let role = try section.optional("approved_role") {
            upstream.approvedRole = try role.nonEmptyString()
            guard upstream.approvedRole != upstream.user else { throw role.error("must be another role than user") }
        }
        if let risk = try section.optional("accept_risk") {
            // A reason, not a switch: it is shown by check-config and logged at every start.
            upstream.acceptedRisk = try risk.nonEmptyString()
        }
        if let timeout = try section.optional("login_timeout_seconds") { upstream.loginTimeoutSeconds = try timeout.integer(in: 1...600) }
        return upstream
    }

    private func decodePasswordSource(_ upstream: ConfigMapping) throws -> SecretSource? {
        try decodeSecretSource(in: upstream, environmentKey: "password_env", fileKey: "password_file", secret: "password")
    }

    /// `<x>_env` or `<x>_file` (at most one): where a secret comes from. `secret` names it in
    /// the error for a value that is not a variable name.
    func decodeSecretSource(in section: ConfigMapping, environmentKey: String, fileKey: String, secret: String) throws -> SecretSource? {
        let environment = try section.optional(environmentKey)
        let file = try section.optional(fileKey)
        if let environment, let file {
            let later = (file.mark?.line ?? 0) >= (environment.mark?.line ?? 0) ? file : environment
            throw later.error("\(environmentKey) and \(fileKey) are mutually exclusive")
        }
        if let environment {
            let name = try environment.string()
            // Never echo it: a value that is not a variable name may be the secret itself.
            guard Self.isEnvironmentVariableName(name) else {
                throw environment.error("must be the name of an environment variable (letters, digits, _), not the \(secret) itself")
            }
            return .environment(name)
        }
        if let file { return .file(try absolutePath(file)) }
        return nil
    }

    private static func isEnvironmentVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
        }
    }
}
