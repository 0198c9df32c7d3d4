import Foundation

/// A Kubernetes API request through the gateway (docs/kubernetes.md), recorded twice: once when
/// decided, before anything is forwarded (`phase: request`), and once when the client has had
/// its answer (`phase: response`), with the status, the byte counts and the SHA-256 of what the
/// client got. Whom a masked answer named is in `subjects`. Between the two, an exec session
/// records each chunk of its streams (`phase: stream`), each before it is forwarded: what the
/// client typed, the masked output it saw, and terminal resizes, with their timing.
public struct KubeActivity: Sendable, Codable, Equatable {
    public enum Phase {
        public static let request = RequestEventPhase.request
        public static let response = RequestEventPhase.response
        public static let stream = "stream"
        public static let all: Set<String> = RequestEventPhase.all.union([stream])
    }
    public typealias Decision = RequestEventDecision

    /// A stream chunk's channel.
    public enum Channel {
        public static let stdin = "stdin"
        public static let stdout = "stdout"
        public static let stderr = "stderr"
        public static let resize = "resize"
        public static let all: Set<String> = [stdin, stdout, stderr, resize]
    }

    /// How a stream chunk's `data` holds its bytes: UTF-8 text (absent), or `base64` for bytes
    /// that are not UTF-8 (a tar stream copied into a pod).
    public static let base64Encoding = "base64"

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
    /// Stream: the chunk's channel, microseconds since the session started, the new terminal
    /// size (resize), and the chunk itself (sealed: typed input and output can name someone;
    /// output as the client got it, masked), with `encoding` when it is not UTF-8 text.
    public var channel: String?
    public var elapsedMicroseconds: Int?
    public var width: Int?
    public var height: Int?
    public var data: String?
    public var encoding: String?

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
