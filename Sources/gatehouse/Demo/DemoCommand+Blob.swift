import Foundation

/// The demo's Azure Blob connection: the harness's Blob stand-in as a storage account seeded with
/// the bundle's `blob-seed` (each folder a container), its key generated per run.
extension DemoCommand {
    static let blobAccount = "gatehousedemo"
    static let blobKeyVariable = "GATEHOUSE_DEMO_BLOB_KEY"

    func startStorage(script: String, directory: String) throws -> DemoStandIn {
        guard let seed = Bundle.module.url(forResource: "blob-seed", withExtension: nil) else {
            throw ValidationFailure("the demo's sample files (blob-seed) are missing from the gatehouse bundle")
        }
        announce("gatehouse demo: starting the Azure Blob stand-in ...")
        DemoStandIn.exportSecret(Self.blobKeyVariable)
        return try DemoStandIn.start("Azure Blob stand-in", script: script, arguments: [
            "--account", Self.blobAccount, "--key-env", Self.blobKeyVariable, "--seed", seed.path, "--workdir", directory,
        ], directory: directory)
    }

    /// The Azure SDK through the gateway: alice's token as the bearer token, the demo's certificate trusted.
    func blobInstructions(token: String, certificate: String) -> String {
        """


        Azure Blob Storage: connection `files` serves a storage account with sample files (docs/blob.md).
        With the Azure SDK for Python (pip install azure-storage-blob), as alice:

        python3 - <<'EOF'
        import time
        from azure.core.credentials import AccessToken
        from azure.storage.blob import BlobServiceClient

        class GatehouseToken:  # the agent's OIDC token, as a bearer token
            def get_token(self, *scopes, **kwargs):
                return AccessToken("\(token)", int(time.time()) + 3600)

        # read_timeout: a held request stays open until an approver decides (up to 120 s here).
        service = BlobServiceClient("https://127.0.0.1:\(httpPort)/blob/files", credential=GatehouseToken(),
                                    connection_verify="\(certificate)", read_timeout=180)
        exports = service.get_container_client("exports")
        print([blob.name for blob in exports.list_blobs()])
        print(exports.download_blob("public/readme.txt").readall().decode())
        # Personal data: waits for an approver (web UI or `gatehouse approvals`), then comes back masked.
        print(exports.download_blob("customers/2026-11-export.json").readall().decode())
        EOF

        people/contacts.csv comes back with names and contacts masked once approved; hr-files/contracts/alice-example.pdf
        is refused (a format Gatehouse cannot mask); an upload adding an e-mail address is refused.
        """
    }

    /// The sample files' classification: the JSON export and the CSV by field and column, the HR
    /// contracts (PDFs, which cannot be masked) whole.
    func blobConnection(_ storage: DemoStandIn) -> String {
        """
          - name: files
            type: azure-blob
            upstream:
              account_url: \(storage.url)
              account_name: \(Self.blobAccount)
              key_env: \(Self.blobKeyVariable)
            allowed_groups: [engineers]
            read_write_groups: [engineers]
            personal_data:
              - container: exports
                blobs: "customers/**"
                category: contact
                format: json
                json_fields: {"$[*].name": name}
              - container: exports
                blobs: "people/*.csv"
                category: contact
                columns: {full_name: name}
              - container: hr-files
                category: hr-record
            approval:
              mode: personal-data
              approver_groups: [approvers]
              hold_seconds: 120
              max_grant_minutes: 60

        """
    }
}
