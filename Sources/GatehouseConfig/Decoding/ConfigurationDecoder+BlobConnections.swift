import Foundation
import GatehouseBlob
import GatehouseMasking

extension ConfigurationDecoder {
    static let blobConnectionKeys = ["name", "type", "upstream", "allowed_groups", "read_write_groups", "operations", "personal_data",
                                     "upload_scan", "approval", "retention_days"]
    private static let blobUpstreamKeys = ["account_url", "account_name", "key_env", "key_file", "sas_env", "sas_file", "entra_id"]
    private static let entraIDKeys = ["tenant_id", "client_id", "client_secret_env", "client_secret_file", "federated_token_file",
                                         "authority_url"]
    private static let blobPersonalDataKeys = ["container", "blobs", "category", "format", "json_fields", "columns"]

    func decodeBlobConnection(_ entry: ConfigMapping, name: String) throws -> BlobConnectionConfiguration {
        let allowedGroups = try entry.required("allowed_groups").nonEmptyStringList(of: "group")
        var connection = BlobConnectionConfiguration(name: name, upstream: try decodeBlobUpstream(entry.required("upstream")),
                                                     allowedGroups: allowedGroups)
        if let groups = try entry.optional("read_write_groups") {
            connection.readWriteGroups = try groups.list().map { item in
                let group = try item.nonEmptyString()
                guard allowedGroups.contains(group) else { throw item.error("'\(group)' is not one of this connection's allowed_groups") }
                return group
            }
        }
        if let operations = try entry.optional("operations") { connection.operations = try operationList(operations) }
        if let rules = try entry.optional("personal_data") {
            connection.personalData = try rules.nonEmptyList(of: "rule").map(decodeBlobDataRule)
        }
        let scanValue = try entry.optional("upload_scan")
        if let scanValue { connection.uploadScan = try scanValue.oneOf(BlobConnectionConfiguration.UploadScan.self) }
        connection.approval = try decodeBlobApproval(entry.optional("approval"), classifiedPaths: connection.personalData.count)
        if let scanValue, connection.uploadScan == .hold, connection.approval.approverGroups.isEmpty {
            // An upload held with nobody to approve it could only time out.
            throw scanValue.error("upload_scan: hold needs approval.approver_groups on this connection")
        }
        connection.retentionDays = try entry.optional("retention_days")?.integer(in: Self.retentionDayRange)
        return connection
    }

    private func decodeBlobUpstream(_ value: ConfigValue) throws -> BlobUpstream {
        let section = try value.mapping(allowedKeys: Self.blobUpstreamKeys)
        let urlValue = try section.required("account_url")
        let url = try webURL(urlValue)
        // A path only for emulator-style endpoints (`http://127.0.0.1:10000/devstoreaccount1`).
        guard let components = URLComponents(string: url), components.user == nil, components.password == nil,
              components.query == nil, components.fragment == nil
        else { throw urlValue.error("must be the account's base URL, without a query or credentials (use key_env or key_file)") }
        let accountURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        let key = try decodeSecretSource(in: section, environmentKey: "key_env", fileKey: "key_file", secret: "account key")
        let sas = try decodeSecretSource(in: section, environmentKey: "sas_env", fileKey: "sas_file", secret: "shared access signature")
        let entra = try section.optional("entra_id")
        let chosen = [key != nil ? "an account key (key_env / key_file)" : nil, sas != nil ? "a SAS (sas_env / sas_file)" : nil,
                      entra != nil ? "entra_id" : nil].compactMap { $0 }
        guard chosen.count <= 1 else { throw value.error("use one upstream credential, not \(chosen.joined(separator: " and "))") }
        if let entra { return BlobUpstream(accountURL: accountURL, credential: .entraID(try decodeEntraID(entra))) }
        if let sas { return BlobUpstream(accountURL: accountURL, credential: .sas(sas)) }
        let nameValue = try section.required("account_name")
        let accountName = try nameValue.nonEmptyString()
        guard accountName.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }), accountName.count <= 24 else {
            throw nameValue.error("'\(accountName)' is not a storage account name (up to 24 lower-case letters and digits)")
        }
        guard let key else {
            throw value.error("needs key_env or key_file (the account key the gateway signs requests with), sas_env or sas_file, "
                              + "or entra_id")
        }
        return BlobUpstream(accountURL: accountURL, credential: .sharedKey(accountName: accountName, key: key))
    }

    private func decodeEntraID(_ value: ConfigValue) throws -> EntraIDClient {
        let section = try value.mapping(allowedKeys: Self.entraIDKeys)
        let secret = try decodeSecretSource(in: section, environmentKey: "client_secret_env", fileKey: "client_secret_file",
                                            secret: "client secret")
        let tokenFile = try section.optional("federated_token_file")
        let proof: EntraIDClient.Proof
        switch (secret, tokenFile) {
        case (let secret?, nil): proof = .secret(secret)
        case (nil, let file?): proof = .federatedTokenFile(try absolutePath(file))
        case (nil, nil): throw value.error("needs client_secret_env, client_secret_file or federated_token_file")
        case (_?, let file?): throw file.error("use either a client secret or federated_token_file, not both")
        }
        var client = EntraIDClient(tenantID: try section.required("tenant_id").nonEmptyString(),
                                   clientID: try section.required("client_id").nonEmptyString(), proof: proof)
        if let authority = try section.optional("authority_url") {
            let url = try webURL(authority)
            client.authorityURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        return client
    }

    private func decodeBlobDataRule(_ value: ConfigValue) throws -> BlobDataRule {
        let section = try value.mapping(allowedKeys: Self.blobPersonalDataKeys)
        let container = try blobPattern(section.required("container"))
        let blobs = try section.optional("blobs").map(blobPattern) ?? "**"
        var rule = BlobDataRule(container: container, blobs: blobs, category: try section.required("category").nonEmptyString())
        if let format = try section.optional("format") { rule.format = try format.oneOf(BlobDataRule.Format.self) }
        if let fields = try section.optional("json_fields") {
            guard rule.format == nil || rule.format == .json || rule.format == .ndjson else {
                throw fields.error("json_fields apply to the json and ndjson formats")
            }
            for (path, category) in try fields.freeFormEntries() {
                do {
                    _ = try JSONPath(path)
                } catch {
                    throw category.error("'\(path)' is not a JSON field path: \(error)")
                }
                rule.jsonFields[path] = try category.nonEmptyString()
            }
        }
        if let columns = try section.optional("columns") {
            guard rule.format == nil || rule.format == .csv else { throw columns.error("columns apply to the csv format") }
            rule.columns = try categoriesByName(columns)
        }
        return rule
    }

    private func categoriesByName(_ value: ConfigValue) throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, category) in try value.freeFormEntries() { result[name] = try category.nonEmptyString() }
        return result
    }

    /// A container or blob pattern: `*` within one segment, `**` across; no leading `/`, no `..`.
    private func blobPattern(_ value: ConfigValue) throws -> String {
        let pattern = try value.nonEmptyString()
        guard !pattern.hasPrefix("/"), !pattern.split(separator: "/").contains(".."), !pattern.contains("\\") else {
            throw value.error("'\(pattern)' must be a relative pattern without '..' or backslashes")
        }
        return pattern
    }
}
