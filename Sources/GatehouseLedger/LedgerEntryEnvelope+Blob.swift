import GatehouseCore

/// The `blob` kind's clear payload (docs/evidence.md, "`blob`"): everything but the digests of
/// whom a download named, which `SealedFields` holds. Blob names are stored as the agent saw them.
extension LedgerEntryEnvelope {
    /// `BlobActivity` without `subjects`.
    public struct Blob: Sendable, Equatable {
        public var activity: BlobActivity

        public init(_ activity: BlobActivity) {
            var clear = activity
            clear.subjects = nil
            self.activity = clear
        }

        func joined(subjects: [SubjectReference]?) -> BlobActivity {
            var joined = activity
            joined.subjects = subjects
            return joined
        }
    }

    static func readBlob(_ fields: inout LedgerEntryFields) throws -> Blob {
        let phase = try fields.string("phase")
        guard BlobActivity.Phase.all.contains(phase) else { throw LedgerEntryError.invalidValue(fields.path(of: "phase")) }
        let decision = try fields.optionalString("decision")
        if let decision, !BlobActivity.Decision.all.contains(decision) { throw LedgerEntryError.invalidValue(fields.path(of: "decision")) }
        return Blob(BlobActivity(
            phase: phase, operation: try fields.string("operation"), container: try fields.optionalString("container"),
            blob: try fields.optionalString("blob"), range: try fields.optionalString("range"), decision: decision,
            reason: try fields.optionalString("reason"), approval: try fields.optionalString("approval"),
            status: try fields.optionalInteger("status"), bytesFromUpstream: try fields.optionalInteger("bytesFromUpstream"),
            bytesToClient: try fields.optionalInteger("bytesToClient"), sha256: try fields.optionalString("sha256"),
            maskedValues: try fields.optionalInteger("maskedValues"), subjectsTruncated: try fields.optionalBool("subjectsTruncated")))
    }

    /// The members of a blob payload (inside its braces), in key order. Throws for a phase or
    /// decision the format does not define: the entry would not read back.
    static func write(_ blob: Blob, into writer: inout CanonicalJSONWriter) throws {
        let activity = blob.activity
        guard BlobActivity.Phase.all.contains(activity.phase) else { throw LedgerEntryError.invalidValue("payload.phase") }
        if let decision = activity.decision, !BlobActivity.Decision.all.contains(decision) {
            throw LedgerEntryError.invalidValue("payload.decision")
        }
        writer.optional("approval", activity.approval)
        writer.optional("blob", activity.blob)
        try writer.optional("bytesFromUpstream", activity.bytesFromUpstream)
        try writer.optional("bytesToClient", activity.bytesToClient)
        writer.optional("container", activity.container)
        writer.optional("decision", activity.decision)
        try writer.optional("maskedValues", activity.maskedValues)
        writer.key("operation")
        writer.string(activity.operation)
        writer.key("phase")
        writer.string(activity.phase)
        writer.optional("range", activity.range)
        writer.optional("reason", activity.reason)
        writer.optional("sha256", activity.sha256)
        try writer.optional("status", activity.status)
        writer.optional("subjectsTruncated", activity.subjectsTruncated)
    }
}
