import GatehouseBlob
import Testing

@testable import GatehouseConfig

/// `connections` entries of `type: azure-blob`: the account and its key, groups, operations, classification.
@Suite struct BlobConnectionValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// MinimalConfig with a blob connection appended to `connections`; its keys start on line 13.
    func withBlob(_ entry: String) -> String {
        MinimalConfig.text + entry
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try fixture.parse(withBlob("""
              - name: exports
                type: azure-blob
                upstream:
                  account_url: "https://acme.blob.core.windows.net/"
                  account_name: acme
                  key_env: ACME_KEY
                allowed_groups: [engineers, support]
                read_write_groups: [engineers]
                operations: [list-blobs, get-blob]
                personal_data:
                  - {container: exports, blobs: "customers/**", category: contact, format: json, json_fields: {"$.email": contact}}
                  - {container: "hr-*", category: hr-record, columns: {full_name: name}}
                upload_scan: off
                retention_days: 30

            """))
        #expect(configuration.connections.map(\.name) == ["demo"])
        #expect(configuration.blobConnections == [BlobConnectionConfiguration(
            name: "exports",
            upstream: BlobUpstream(accountURL: "https://acme.blob.core.windows.net",
                                   credential: .sharedKey(accountName: "acme", key: .environment("ACME_KEY"))),
            allowedGroups: ["engineers", "support"], readWriteGroups: ["engineers"], operations: [.listBlobs, .getBlob],
            personalData: [
                BlobDataRule(container: "exports", blobs: "customers/**", category: "contact", format: .json, jsonFields: ["$.email": "contact"]),
                BlobDataRule(container: "hr-*", category: "hr-record", columns: ["full_name": "name"]),
            ],
            uploadScan: .off, retentionDays: 30)])
        let defaults = try fixture.parse(withBlob("""
              - {name: b, type: azure-blob, upstream: {account_url: "http://127.0.0.1:10000/acme", account_name: acme, key_file: k}, allowed_groups: [engineers]}

            """))
        #expect(defaults.blobConnections.first?.operations == BlobOperation.defaultAllowed)
        #expect(defaults.blobConnections.first?.readWriteGroups == [])
        #expect(defaults.blobConnections.first?.uploadScan == .reject)
    }

    @Test func entraIDClientCredentialsAreRead() throws {
        let configuration = try fixture.parse(withBlob("""
              - name: lake
                type: azure-blob
                upstream:
                  account_url: "https://lake.blob.core.windows.net"
                  entra_id: {tenant_id: contoso, client_id: gatehouse-app, client_secret_env: LAKE_SECRET}
                allowed_groups: [engineers]

            """))
        #expect(configuration.blobConnections.first?.upstream.credential == .entraID(EntraIDClient(
            tenantID: "contoso", clientID: "gatehouse-app", proof: .secret(.environment("LAKE_SECRET")))))
        #expect(EntraIDClient(tenantID: "t", clientID: "c", proof: .secret(.environment("S"))).tokenURL
                == "https://login.microsoftonline.com/t/oauth2/v2.0/token")
        fixture.expectError(withBlob("""
              - name: lake
                type: azure-blob
                upstream:
                  account_url: "https://lake.blob.core.windows.net"
                  key_env: K
                  entra_id: {tenant_id: contoso, client_id: gatehouse-app, client_secret_env: LAKE_SECRET}
                allowed_groups: [engineers]

            """), line: 15, keyPath: "connections[1].upstream", problem: "use one upstream credential, not an account key (key_env / key_file) and entra_id")
    }

    @Test func workloadIdentityReadsAFederatedTokenFile() throws {
        let configuration = try fixture.parse(withBlob("""
              - name: lake
                type: azure-blob
                upstream:
                  account_url: "https://lake.blob.core.windows.net"
                  entra_id: {tenant_id: contoso, client_id: gatehouse-app, federated_token_file: /var/run/secrets/azure/tokens/azure-identity-token}
                allowed_groups: [engineers]

            """))
        #expect(configuration.blobConnections.first?.upstream.credential == .entraID(EntraIDClient(
            tenantID: "contoso", clientID: "gatehouse-app", proof: .federatedTokenFile("/var/run/secrets/azure/tokens/azure-identity-token"))))
        fixture.expectError(withBlob("""
              - name: lake
                type: azure-blob
                upstream:
                  account_url: "https://lake.blob.core.windows.net"
                  entra_id: {tenant_id: contoso, client_id: app, client_secret_env: S, federated_token_file: /t}
                allowed_groups: [engineers]

            """), line: 17, keyPath: "connections[1].upstream.entra_id.federated_token_file", problem: "either a client secret or federated_token_file")
        fixture.expectError(withBlob("""
              - name: lake
                type: azure-blob
                upstream:
                  account_url: "https://lake.blob.core.windows.net"
                  entra_id: {tenant_id: contoso, client_id: app}
                allowed_groups: [engineers]

            """), line: 17, keyPath: "connections[1].upstream.entra_id", problem: "needs client_secret_env, client_secret_file or federated_token_file")
    }

    @Test func aSharedAccessSignatureIsOneCredentialOfThree() throws {
        let configuration = try fixture.parse(withBlob("""
              - name: lake
                type: azure-blob
                upstream:
                  account_url: "https://lake.blob.core.windows.net"
                  sas_env: LAKE_SAS
                allowed_groups: [engineers]

            """))
        #expect(configuration.blobConnections.first?.upstream.credential == .sas(.environment("LAKE_SAS")))
        fixture.expectError(withBlob("""
              - name: lake
                type: azure-blob
                upstream:
                  account_url: "https://lake.blob.core.windows.net"
                  sas_file: /etc/gatehouse/lake.sas
                  entra_id: {tenant_id: contoso, client_id: app, client_secret_env: S}
                allowed_groups: [engineers]

            """), line: 15, keyPath: "connections[1].upstream", problem: "not a SAS (sas_env / sas_file) and entra_id")
    }

    @Test func mistakesAreNamedWithTheirLine() {
        let upstream = "upstream: {account_url: \"https://acme.blob.core.windows.net\", account_name: acme, key_env: K}"
        fixture.expectError(
            withBlob("  - {name: b, type: azure-blob, \(upstream), allowed_groups: [a], operations: [get-blob, copy-blob]}\n"),
            line: 13, keyPath: "connections[1].operations[1]", problem: "'copy-blob'")
        fixture.expectError(
            withBlob("  - {name: b, type: azure-blob, \(upstream), allowed_groups: [a], read_write_groups: [b]}\n"),
            line: 13, keyPath: "connections[1].read_write_groups[0]", problem: "'b' is not one of this connection's allowed_groups")
        fixture.expectError(
            withBlob("  - {name: b, type: azure-blob, upstream: {account_url: \"https://x.blob.core.windows.net\", account_name: acme}, allowed_groups: [a]}\n"),
            line: 13, keyPath: "connections[1].upstream", problem: "needs key_env or key_file")
        fixture.expectError(
            withBlob("  - {name: b, type: azure-blob, upstream: {account_url: \"https://x.blob.core.windows.net\", account_name: Acme_1, key_env: K}, allowed_groups: [a]}\n"),
            line: 13, keyPath: "connections[1].upstream.account_name", problem: "not a storage account name")
        fixture.expectError(
            withBlob("  - {name: b, type: azure-blob, \(upstream), allowed_groups: [a], personal_data: [{container: x, category: c, format: csv, json_fields: {\"$.a\": c}}]}\n"),
            line: 13, keyPath: "connections[1].personal_data[0].json_fields", problem: "json_fields apply to the json and ndjson formats")
        fixture.expectError(
            withBlob("  - {name: b, type: azure-blob, \(upstream), allowed_groups: [a], personal_data: [{container: \"../x\", category: c}]}\n"),
            line: 13, keyPath: "connections[1].personal_data[0].container", problem: "without '..'")
        fixture.expectError(
            withBlob("  - {name: b, type: azure-blob, \(upstream), allowed_groups: [a], push: {scan: off}}\n"),
            line: 13, keyPath: "connections[1].push", problem: "unknown key")
        fixture.expectError(
            withBlob("  - {name: b, type: azure-blob, \(upstream), allowed_groups: [a], upload_scan: hold}\n"),
            line: 13, keyPath: "connections[1].upload_scan", problem: "upload_scan: hold needs approval.approver_groups")
    }
}
