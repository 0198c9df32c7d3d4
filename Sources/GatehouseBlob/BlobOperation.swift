/// The Blob service REST operations Gatehouse recognises, by the names the configuration uses
/// (`operations:` in docs/blob.md). Anything else the service offers (copy from a URL, batch,
/// ACLs, tags, leases, user delegation keys, immutability...) is not recognised and always refused.
public enum BlobOperation: String, Sendable, CaseIterable, Codable {
    case listContainers = "list-containers"
    case containerProperties = "container-properties"
    case createContainer = "create-container"
    case deleteContainer = "delete-container"
    case listBlobs = "list-blobs"
    case blobProperties = "blob-properties"
    case getBlob = "get-blob"
    case putBlob = "put-blob"
    case putBlock = "put-block"
    case putBlockList = "put-block-list"
    case deleteBlob = "delete-blob"

    /// What a connection allows unless its configuration says otherwise: reading, and writing blobs.
    public static let defaultAllowed: [BlobOperation] = [
        .listContainers, .containerProperties, .listBlobs, .blobProperties, .getBlob, .putBlob, .putBlock, .putBlockList, .deleteBlob,
    ]

    /// Whether the operation changes anything: `read-only` groups may not use it.
    public var isWrite: Bool {
        switch self {
        case .listContainers, .containerProperties, .listBlobs, .blobProperties, .getBlob: return false
        case .createContainer, .deleteContainer, .putBlob, .putBlock, .putBlockList, .deleteBlob: return true
        }
    }

    /// Whether it names one blob (rather than the account or a container).
    public var isBlobLevel: Bool {
        switch self {
        case .blobProperties, .getBlob, .putBlob, .putBlock, .putBlockList, .deleteBlob: return true
        default: return false
        }
    }
}
