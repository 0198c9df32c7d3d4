import GatehouseCore

/// The payload fields that stay in clear: what happened, not to whom. Each mirrors an
/// `EventPayload` case minus the fields `SealedFields` holds.
extension LedgerEntryEnvelope {
    public enum Payload: Sendable, Equatable {
        case authentication(Authentication)
        /// Nothing in a session end can name a data subject: it is all clear.
        case sessionEnd(EventPayload.SessionEnd)
        case statement(Statement)
        case outcome(Outcome)
        /// Erasures and configuration name sessions and files, never a data subject: all clear.
        case erasure(EventPayload.Erasure)
        case configuration(EventPayload.Configuration)
        case approval(Approval)
        /// A Git request: commit authorship and messages are sealed, everything else is clear.
        case git(Git)
        /// An Azure Blob request: the digests of whom a download named are sealed, the rest is clear.
        case blob(Blob)
        /// A Kubernetes API request: the digests of whom a masked answer named are sealed, the rest is clear.
        case kubernetes(Kubernetes)
        /// An MCP tool call: its arguments and the error the agent was told are sealed, the rest is clear.
        case mcp(MCP)
        /// Derived classification names tables, columns and categories only: all clear.
        case classification(EventPayload.DerivedClassification)

        public var kind: String {
            switch self {
            case .authentication: return "authentication"
            case .sessionEnd: return "session_end"
            case .statement: return "statement"
            case .outcome: return "outcome"
            case .erasure: return "erasure"
            case .configuration: return "configuration"
            case .approval: return "approval"
            case .git: return "git"
            case .blob: return "blob"
            case .kubernetes: return "kubernetes"
            case .mcp: return "mcp"
            case .classification: return "classification"
            }
        }
    }

    /// `EventPayload.Authentication` without `clientAddress`.
    public struct Authentication: Sendable, Equatable {
        public var accepted: Bool
        public var reason: String?
        public var clientApplication: String?

        public init(accepted: Bool, reason: String?, clientApplication: String?) {
            self.accepted = accepted
            self.reason = reason
            self.clientApplication = clientApplication
        }
    }

    /// `EventPayload.Statement` without `text`, `parameters`, `subjects`, and with the analysis
    /// reduced to its structure (`Analysis`).
    public struct Statement: Sendable, Equatable {
        public var statementID: Int
        public var protocolMode: String
        public var analysis: Analysis

        public init(statementID: Int, protocolMode: String, analysis: Analysis) {
            self.statementID = statementID
            self.protocolMode = protocolMode
            self.analysis = analysis
        }
    }

    /// `StatementAnalysis` without `text` and `limitation` (a parser message can quote the
    /// statement): the kind, relations, columns and lineage are schema names, which audits
    /// search on ("who read customers.email"), and carry no values.
    public struct Analysis: Sendable, Equatable {
        public var kind: StatementKind
        public var reads: [RelationName]
        public var writes: [RelationName]
        public var columns: [ColumnReference]
        public var outputs: [OutputColumn]
        public var analysable: Bool
        public var copy: CopyOptions?

        public init(kind: StatementKind, reads: [RelationName], writes: [RelationName], columns: [ColumnReference],
                    outputs: [OutputColumn], analysable: Bool, copy: CopyOptions?) {
            self.kind = kind
            self.reads = reads
            self.writes = writes
            self.columns = columns
            self.outputs = outputs
            self.analysable = analysable
            self.copy = copy
        }
    }

    /// `EventPayload.Approval` without the free text (`purpose`, `statement`, `comment`), which is sealed.
    public struct Approval: Sendable, Equatable {
        public var step: EventPayload.Approval.Step
        public var requestID: String
        public var statementIDs: [Int]
        public var reasons: [String]?
        public var relations: [RelationName]?
        public var categories: [String]?
        public var grant: EventPayload.Approval.Grant?
        public var notified: [String]?
        public var repositories: [String]?
        public var blobs: [String]?
        public var pods: [String]?

        public init(_ approval: EventPayload.Approval) {
            pods = approval.pods
            step = approval.step
            requestID = approval.requestID
            statementIDs = approval.statementIDs
            reasons = approval.reasons
            relations = approval.relations
            categories = approval.categories
            grant = approval.grant
            notified = approval.notified
            repositories = approval.repositories
            blobs = approval.blobs
        }

        /// The event's approval, given its sealed free text.
        func joined(purpose: String?, statement: String?, comment: String?) -> EventPayload.Approval {
            EventPayload.Approval(step: step, requestID: requestID, statementIDs: statementIDs, reasons: reasons, relations: relations,
                                  categories: categories, grant: grant, notified: notified, purpose: purpose, statement: statement,
                                  comment: comment, repositories: repositories, blobs: blobs, pods: pods)
        }
    }

    /// `EventPayload.Outcome` without `errorMessage` and `subjects`.
    public struct Outcome: Sendable, Equatable {
        public var statementID: Int
        public var status: EventPayload.Outcome.Status
        public var commandTag: String?
        public var rows: Int?
        public var errorCode: String?
        public var durationMicroseconds: Int
        public var maskedValues: Int?
        public var subjectsTruncated: Bool?

        public init(statementID: Int, status: EventPayload.Outcome.Status, commandTag: String?, rows: Int?, errorCode: String?,
                    durationMicroseconds: Int, maskedValues: Int?, subjectsTruncated: Bool?) {
            self.statementID = statementID
            self.status = status
            self.commandTag = commandTag
            self.rows = rows
            self.errorCode = errorCode
            self.durationMicroseconds = durationMicroseconds
            self.maskedValues = maskedValues
            self.subjectsTruncated = subjectsTruncated
        }
    }
}
