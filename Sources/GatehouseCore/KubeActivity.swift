import Foundation

/// A Kubernetes API request through the gateway (docs/kubernetes.md), recorded twice: once when
/// decided, before anything is forwarded (`phase: request`), and once when the client has had
/// its answer (`phase: response`), with the status, the byte counts and the SHA-256 of what the
/// client got. Whom a masked answer named is in `subjects`.
public struct KubeActivity: Sendable, Codable, Equatable {
    public typealias Phase = RequestEventPhase
    public typealias Decision = RequestEventDecision

    public var phase: String
    /// The operation's configuration name (`list-pods`, `logs`...), or `unrecognised`.
    public var operation: String
    /// The API path asked for, below the connection (`/api/v1/namespaces/shop/pods`).
    public var path: String
    public var namespace: String?
    public var pod: String?
    public var container: String?
    /// Exec: the command as a shell would show it (sealed in the ledger: it may name someone),
    /// and whether it ran on a terminal.
    public var command: String?
    public var tty: Bool?
    /// Request phase: the decision and why.
    public var decision: String?
    public var reason: String?
    /// The approval request that let it through or holds it.
    public var approval: String?
    /// Response phase: the status the client got, bytes read from the API server and sent to
    /// the client, and the SHA-256 (hex) of the body the client got.
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
    /// Exec's response: bytes the client sent on stdin, and the command's exit code (absent when
    /// the session ended without one).
    public var stdinBytes: Int?
    public var exitCode: Int?

    public init(phase: String, operation: String, path: String, namespace: String? = nil, pod: String? = nil, container: String? = nil,
                command: String? = nil, tty: Bool? = nil, decision: String? = nil, reason: String? = nil, approval: String? = nil, status: Int? = nil,
                bytesFromUpstream: Int? = nil, bytesToClient: Int? = nil, sha256: String? = nil, maskedValues: Int? = nil,
                subjects: [SubjectReference]? = nil, subjectsTruncated: Bool? = nil, stdinBytes: Int? = nil, exitCode: Int? = nil) {
        self.command = command
        self.tty = tty
        self.stdinBytes = stdinBytes
        self.exitCode = exitCode
        self.phase = phase
        self.operation = operation
        self.path = path
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.decision = decision
        self.reason = reason
        self.approval = approval
        self.status = status
        self.bytesFromUpstream = bytesFromUpstream
        self.bytesToClient = bytesToClient
        self.sha256 = sha256
        self.maskedValues = maskedValues
        self.subjects = subjects
        self.subjectsTruncated = subjectsTruncated
    }
}
