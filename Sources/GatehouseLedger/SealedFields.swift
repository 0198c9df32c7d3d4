import GatehouseCore

/// The fields of an event that may hold personal data, sealed together in one AES-GCM box
/// (docs/evidence.md "Sealed fields and data keys"). Which may be present depends on the kind:
///
/// - authentication: `clientAddress`;
/// - statement: `text` and `parameters` (always), `subjects`, `analysisText` (only when the
///   analysis's text differs from `text`), `limitation`;
/// - outcome: `errorMessage`, `subjects`;
/// - approval: `purpose`, `statement`, `comment` (when the step has them);
/// - session_end, erasure, configuration: none (no box).
struct SealedFields: Sendable, Equatable {
    var analysisText: String?
    var clientAddress: String?
    var comment: String?
    var errorMessage: String?
    var limitation: String?
    var parameters: [String?]?
    var purpose: String?
    var statement: String?
    var subjects: [SubjectReference]?
    var text: String?

    var isEmpty: Bool { self == SealedFields() }
}
