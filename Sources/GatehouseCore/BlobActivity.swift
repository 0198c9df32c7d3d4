import Foundation

/// An Azure Blob request through the gateway (docs/blob.md), recorded twice: once when decided,
/// before anything is forwarded (`phase: request`), and once when the client has had its answer
/// (`phase: response`), with the status, the byte counts and the SHA-256 of what the client got.
/// Blob names are recorded as the agent saw them (masked); whom a download named is in `subjects`.
public struct BlobActivity: Sendable, Codable, Equatable {
    public typealias Phase = RequestEventPhase
    public typealias Decision = RequestEventDecision

    public var phase: String
    /// The operation's configuration name (`get-blob`, `list-blobs`...), or `unrecognised`.
    public var operation: String
    public var container: String?
    /// As the agent saw it: masked by the detectors.
    public var blob: String?
    /// The client's `Range`/`x-ms-range`, if any.
    public var range: String?
    /// Request phase: the decision and why.
    public var decision: String?
    public var reason: String?
    /// The approval request that let it through or holds it.
    public var approval: String?
    /// Response phase: the status the client got, bytes read from the upstream and sent to the
    /// client, and the SHA-256 (hex) of the body the client got.
    public var status: Int?
    public var bytesFromUpstream: Int?
    public var bytesToClient: Int?
    public var sha256: String?
    /// Values masked in what the client got.
    public var maskedValues: Int?
    /// Keyed digests of the identifiers masked (sealed in the ledger), at most
    /// `SubjectReference.limitPerEvent`.
    public var subjects: [SubjectReference]?
    /// True when the response named more people than `subjects` holds.
    public var subjectsTruncated: Bool?

    public init(phase: String, operation: String, container: String? = nil, blob: String? = nil, range: String? = nil,
                decision: String? = nil, reason: String? = nil, approval: String? = nil, status: Int? = nil,
                bytesFromUpstream: Int? = nil, bytesToClient: Int? = nil, sha256: String? = nil, maskedValues: Int? = nil,
                subjects: [SubjectReference]? = nil, subjectsTruncated: Bool? = nil) {
        self.subjectsTruncated = subjectsTruncated
        self.phase = phase
        self.operation = operation
        self.container = container
        self.blob = blob
        self.range = range
        self.decision = decision
        self.reason = reason
        self.approval = approval
        self.status = status
        self.bytesFromUpstream = bytesFromUpstream
        self.bytesToClient = bytesToClient
        self.sha256 = sha256
        self.maskedValues = maskedValues
        self.subjects = subjects
    }
}
