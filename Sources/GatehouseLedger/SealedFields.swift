import GatehouseCore

/// The fields of an event that may hold personal data, sealed together in one AES-GCM box
/// (docs/evidence.md "Sealed fields and data keys"). Which may be present depends on the kind:
///
/// - authentication: `clientAddress`;
/// - statement: `text` and `parameters` (always), `subjects`, `analysisText` (only when the
///   analysis's text differs from `text`), `limitation`;
/// - outcome: `errorMessage`, `subjects`;
/// - approval: `purpose`, `statement`, `comment` (when the step has them);
/// - git: `commits` (one per clear commit, same order: names, emails, message; present exactly
///   when the payload has commits), `subjects` (the email digests);
/// - kubernetes: `text` (an exec's command), `data` (a stream chunk), `subjects`;
/// - mcp: `text` (the call's arguments), `errorMessage` (what the agent was told of a failure);
/// - session_end, erasure, configuration: none (no box).
struct SealedFields: Sendable, Equatable {
    var analysisText: String?
    var clientAddress: String?
    var comment: String?
    var commits: [CommitPeople]?
    var data: String?
    var errorMessage: String?
    var limitation: String?
    var parameters: [String?]?
    var purpose: String?
    var statement: String?
    var subjects: [SubjectReference]?
    var text: String?

    var isEmpty: Bool { self == SealedFields() }

    /// The sealed half of a pushed commit: who wrote and committed it, and its message.
    struct CommitPeople: Sendable, Equatable {
        var authorEmail: String
        var authorName: String
        var committerEmail: String
        var committerName: String
        var message: String

        init(authorEmail: String, authorName: String, committerEmail: String, committerName: String, message: String) {
            self.authorEmail = authorEmail
            self.authorName = authorName
            self.committerEmail = committerEmail
            self.committerName = committerName
            self.message = message
        }

        init(_ commit: GitActivity.CommitRecord) {
            self.init(authorEmail: commit.authorEmail, authorName: commit.authorName, committerEmail: commit.committerEmail,
                      committerName: commit.committerName, message: commit.message)
        }
    }
}
