import GatehouseBlob
import GatehousePolicy

/// A `connections` entry of `type: azure-blob`: a Blob Storage account reached at
/// `/blob/<name>/<container>/<blob>` on the HTTP listener, with the account's credential only
/// the gateway holds (docs/blob.md).
public struct BlobConnectionConfiguration: Sendable, Equatable {
    public var name: String
    public var upstream: BlobUpstream
    /// Principals need at least one of these groups; never empty.
    public var allowedGroups: [String]
    /// Of those, the groups that may use operations that write; everyone else reads only.
    public var readWriteGroups: [String]
    /// The operations served at all (`BlobOperation` names); others are refused.
    public var operations: [BlobOperation]
    /// Which blobs hold personal data, of which category, masked how.
    public var personalData: [BlobDataRule]
    /// Whether uploads adding identifiers are refused (`reject`), wait for an approver (`hold`),
    /// or are not scanned (`off`).
    public var uploadScan: UploadScan
    /// When reads and writes of classified blobs wait for a human's approval, and who approves.
    public var approval: ApprovalRules
    /// This connection's retention period in days; nil means the `ledger` section's.
    public var retentionDays: Int?

    public enum UploadScan: String, Sendable, CaseIterable {
        case reject
        case hold
        case off
    }

    public init(name: String, upstream: BlobUpstream, allowedGroups: [String], readWriteGroups: [String] = [],
                operations: [BlobOperation] = BlobOperation.defaultAllowed, personalData: [BlobDataRule] = [],
                uploadScan: UploadScan = .reject, approval: ApprovalRules? = nil, retentionDays: Int? = nil) {
        self.approval = approval ?? ApprovalRules(mode: BlobApprovalTrigger.defaultMode(classifiedPaths: personalData.count))
        self.name = name
        self.upstream = upstream
        self.allowedGroups = allowedGroups
        self.readWriteGroups = readWriteGroups
        self.operations = operations
        self.personalData = personalData
        self.uploadScan = uploadScan
        self.retentionDays = retentionDays
    }
}

/// Where the storage account is and how the gateway signs in to it.
public struct BlobUpstream: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        /// Shared Key: every request is signed with the account key.
        case sharedKey(accountName: String, key: SecretSource)
        /// Entra ID client credentials: a token for `https://storage.azure.com/.default`.
        case entraID(EntraIDClient)
        /// A shared access signature (the query string the portal or `az` prints), appended to
        /// every request. What it allows is fixed when it is made; the gateway narrows it further.
        case sas(SecretSource)
    }

    /// `https://<account>.blob.core.windows.net` (http only to a loopback host, for tests).
    public var accountURL: String
    public var credential: Credential

    public init(accountURL: String, credential: Credential) {
        self.accountURL = accountURL
        self.credential = credential
    }
}

/// An Entra ID (Azure AD) application the gateway signs in as (client credentials flow).
public struct EntraIDClient: Sendable, Equatable {
    public static let defaultAuthority = "https://login.microsoftonline.com"

    /// How the application proves who it is.
    public enum Proof: Sendable, Equatable, CustomStringConvertible {
        /// A client secret.
        case secret(SecretSource)
        /// A federated token (workload identity: a Kubernetes service-account token the kubelet
        /// rotates), read from this file at every token request and sent as the client assertion.
        case federatedTokenFile(String)

        public var description: String {
            switch self {
            case .secret(let source): "secret from \(source)"
            case .federatedTokenFile(let path): "federated token from file \(path)"
            }
        }
    }

    public var tenantID: String
    public var clientID: String
    public var proof: Proof
    /// Where tokens come from: `<authority>/<tenant>/oauth2/v2.0/token`.
    public var authorityURL: String

    public init(tenantID: String, clientID: String, proof: Proof, authorityURL: String = Self.defaultAuthority) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.proof = proof
        self.authorityURL = authorityURL
    }

    public var tokenURL: String { "\(authorityURL)/\(tenantID)/oauth2/v2.0/token" }
}
