import AsyncHTTPClient
import Foundation
import GatehouseBlob
import GatehouseBlobGateway
import GatehouseConfig
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseIdentity
import GatehousePolicy

/// Builds the Azure Blob gateway from the `type: azure-blob` connections: the account endpoint,
/// the account key resolved now (a missing or malformed key stops the start), the operation
/// rules and classification, and the masking engine with the global rules.
enum BlobSetup {
    static func gateway(
        _ configuration: GatehouseConfiguration, validator: TokenValidator, recorder: any EventRecorder, httpClient: HTTPClient,
        approvals: ApprovalSetup
    ) throws -> BlobGateway? {
        guard !configuration.blobConnections.isEmpty else { return nil }
        return BlobGateway(
            connections: try connections(configuration, httpClient: httpClient), forwarder: HTTPForwarder(client: httpClient),
            authenticate: { try await validator.validate($0) },
            recorder: recorder, engine: try MaskingSetup.globalEngine(for: configuration),
            listenerScheme: configuration.httpListener.tls == nil ? "http" : "https",
            approvals: approvals.broker, approvalURL: approvals.url, notificationKinds: approvals.notificationKinds)
    }

    /// The connections, their credentials resolved now (also for a reload: a credential that
    /// cannot be read refuses the reload).
    static func connections(_ configuration: GatehouseConfiguration, httpClient: HTTPClient) throws -> [BlobGateway.Connection] {
        try configuration.blobConnections.map { connection in
            let prefix = "\(configuration.sourcePath): connection '\(connection.name)'"
            let upstream: UpstreamEndpoint
            do {
                upstream = try UpstreamEndpoint(url: connection.upstream.accountURL)
            } catch {
                throw ValidationFailure("\(prefix): \(error)")
            }
            let credential: BlobGateway.Connection.Credential
            switch connection.upstream.credential {
            case .sharedKey(let account, let source):
                let key: String
                do {
                    key = try source.resolve()
                } catch {
                    throw ValidationFailure("\(prefix): account key: \(error)")
                }
                guard let signer = SharedKeySigner(accountName: account, base64Key: key) else {
                    throw ValidationFailure("\(prefix): the account key (\(source)) is not base64, as the portal shows it")
                }
                credential = .sharedKey(signer)
            case .entraID(let client):
                let proof: EntraIDTokenSource.Proof
                switch client.proof {
                case .secret(let source):
                    do {
                        proof = .secret(try source.resolve())
                    } catch {
                        throw ValidationFailure("\(prefix): client secret: \(error)")
                    }
                case .federatedTokenFile(let path):
                    // Read at every token request (it rotates); here only checked to be there.
                    guard FileManager.default.isReadableFile(atPath: path) else {
                        throw ValidationFailure("\(prefix): the federated token file \(path) cannot be read")
                    }
                    proof = .federatedTokenFile(path)
                }
                credential = .entraID(EntraIDTokenSource(tokenURL: client.tokenURL, clientID: client.clientID, proof: proof,
                                                         client: httpClient))
            case .sas(let source):
                let sas: String
                do {
                    sas = try source.resolve()
                } catch {
                    throw ValidationFailure("\(prefix): shared access signature: \(error)")
                }
                guard let signature = SharedAccessSignature(sas) else {
                    throw ValidationFailure("\(prefix): the shared access signature (\(source)) is not a SAS query string "
                                            + "(sv=...&sig=..., as the portal or `az storage account generate-sas` prints it)")
                }
                credential = .sas(signature)
            }
            return BlobGateway.Connection(
                name: connection.name, upstream: upstream, credential: credential, allowedGroups: connection.allowedGroups,
                readWriteGroups: connection.readWriteGroups, operations: Set(connection.operations),
                classification: BlobClassification(rules: connection.personalData), scanUploads: connection.uploadScan != .off,
                scanHolds: connection.uploadScan == .hold,
                approval: BlobApprovalTrigger(rules: connection.approval,
                                              classifiedPaths: connection.personalData.map { ($0.container, $0.blobs, $0.category) }))
        }
    }
}
