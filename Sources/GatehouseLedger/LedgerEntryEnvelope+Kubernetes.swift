import GatehouseCore

/// The `kubernetes` kind's clear payload (docs/evidence.md, "`kubernetes`"): everything but exec's
/// command (sealed `text`), a stream chunk's bytes (sealed `data`) and the digests of whom a
/// masked answer named, which `SealedFields` holds.
extension LedgerEntryEnvelope {
    /// `KubeActivity` without `subjects`, `command` and `data`.
    public struct Kubernetes: Sendable, Equatable {
        public var activity: KubeActivity

        public init(_ activity: KubeActivity) {
            var clear = activity
            clear.subjects = nil
            clear.command = nil
            clear.data = nil
            self.activity = clear
        }

        func joined(subjects: [SubjectReference]?, command: String?, data: String?) -> KubeActivity {
            var joined = activity
            joined.subjects = subjects
            joined.command = command
            joined.data = data
            return joined
        }
    }

    static func readKubernetes(_ fields: inout LedgerEntryFields) throws -> Kubernetes {
        let phase = try fields.string("phase")
        guard KubeActivity.Phase.all.contains(phase) else { throw LedgerEntryError.invalidValue(fields.path(of: "phase")) }
        let decision = try fields.optionalString("decision")
        if let decision, !KubeActivity.Decision.all.contains(decision) { throw LedgerEntryError.invalidValue(fields.path(of: "decision")) }
        let channel = try fields.optionalString("channel")
        if let channel, !KubeActivity.Channel.all.contains(channel) { throw LedgerEntryError.invalidValue(fields.path(of: "channel")) }
        let encoding = try fields.optionalString("encoding")
        if let encoding, encoding != KubeActivity.base64Encoding { throw LedgerEntryError.invalidValue(fields.path(of: "encoding")) }
        var activity = KubeActivity(
            phase: phase, operation: try fields.string("operation"), path: try fields.string("path"),
            namespace: try fields.optionalString("namespace"), pod: try fields.optionalString("pod"),
            container: try fields.optionalString("container"), tty: try fields.optionalBool("tty"), decision: decision, reason: try fields.optionalString("reason"),
            approval: try fields.optionalString("approval"), status: try fields.optionalInteger("status"),
            bytesFromUpstream: try fields.optionalInteger("bytesFromUpstream"), bytesToClient: try fields.optionalInteger("bytesToClient"),
            sha256: try fields.optionalString("sha256"), maskedValues: try fields.optionalInteger("maskedValues"),
            subjectsTruncated: try fields.optionalBool("subjectsTruncated"), stdinBytes: try fields.optionalInteger("stdinBytes"),
            exitCode: try fields.optionalInteger("exitCode"))
        activity.channel = channel
        activity.elapsedMicroseconds = try fields.optionalInteger("elapsedMicroseconds")
        activity.width = try fields.optionalInteger("width")
        activity.height = try fields.optionalInteger("height")
        activity.encoding = encoding
        return Kubernetes(activity)
    }

    /// The members of a kubernetes payload (inside its braces), in key order. Throws for a phase
    /// or decision the format does not define: the entry would not read back.
    static func write(_ request: Kubernetes, into writer: inout CanonicalJSONWriter) throws {
        let activity = request.activity
        guard KubeActivity.Phase.all.contains(activity.phase) else { throw LedgerEntryError.invalidValue("payload.phase") }
        if let decision = activity.decision, !KubeActivity.Decision.all.contains(decision) {
            throw LedgerEntryError.invalidValue("payload.decision")
        }
        if let channel = activity.channel, !KubeActivity.Channel.all.contains(channel) { throw LedgerEntryError.invalidValue("payload.channel") }
        if let encoding = activity.encoding, encoding != KubeActivity.base64Encoding { throw LedgerEntryError.invalidValue("payload.encoding") }
        writer.optional("approval", activity.approval)
        try writer.optional("bytesFromUpstream", activity.bytesFromUpstream)
        try writer.optional("bytesToClient", activity.bytesToClient)
        writer.optional("channel", activity.channel)
        writer.optional("container", activity.container)
        writer.optional("decision", activity.decision)
        try writer.optional("elapsedMicroseconds", activity.elapsedMicroseconds)
        writer.optional("encoding", activity.encoding)
        try writer.optional("exitCode", activity.exitCode)
        try writer.optional("height", activity.height)
        try writer.optional("maskedValues", activity.maskedValues)
        writer.optional("namespace", activity.namespace)
        writer.key("operation")
        writer.string(activity.operation)
        writer.key("path")
        writer.string(activity.path)
        writer.key("phase")
        writer.string(activity.phase)
        writer.optional("pod", activity.pod)
        writer.optional("reason", activity.reason)
        writer.optional("sha256", activity.sha256)
        try writer.optional("status", activity.status)
        try writer.optional("stdinBytes", activity.stdinBytes)
        writer.optional("subjectsTruncated", activity.subjectsTruncated)
        writer.optional("tty", activity.tty)
        try writer.optional("width", activity.width)
    }
}
