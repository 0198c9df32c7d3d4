import Foundation

/// One entry of the evidence record. Every authentication, statement and outcome is an event,
/// committed durably before the thing it describes is allowed to happen.
public struct GatehouseEvent: Sendable, Codable, Equatable {
    public var time: Date
    /// The gateway session (one client connection) the event belongs to.
    public var sessionID: String
    /// The Gatehouse connection name, when known.
    public var connection: String?
    /// Who acted, when known (absent for failed authentication).
    public var principal: Principal?
    public var payload: EventPayload

    public init(time: Date = Date(), sessionID: String, connection: String?, principal: Principal?, payload: EventPayload) {
        self.time = time
        self.sessionID = sessionID
        self.connection = connection
        self.principal = principal
        self.payload = payload
    }

    /// A short stable name of the payload kind, used as a column in stores.
    public var kind: String { payload.kind }
}

/// What happened.
public enum EventPayload: Sendable, Codable, Equatable {
    /// A client presented a token for a connection: accepted or refused, and why.
    case authentication(Authentication)
    /// The session ended (client closed, error, upstream closed).
    case sessionEnd(SessionEnd)
    /// A statement about to be forwarded upstream.
    case statement(Statement)
    /// How a recorded statement ended.
    case outcome(Outcome)
    /// Sealed payloads were made unreadable for good: on request, or because retention ended.
    case erasure(Erasure)
    /// The gateway started with this configuration (its digest, so a change shows in the log).
    case configuration(Configuration)
    /// A step of a just-in-time approval: requested, notified, decided, expired, cancelled,
    /// a grant used, or a break-glass bypass.
    case approval(Approval)
    /// A Git smart-HTTP request (fetch, ls-refs, advertisement or push) and its decision.
    case git(GitActivity)
    /// An Azure Blob request, when decided and when answered.
    case blob(BlobActivity)
    /// A Kubernetes API request, when decided and when answered.
    case kubernetes(KubeActivity)
    /// An MCP tool call on the `/mcp` endpoint, when decided and when answered.
    case mcp(MCPActivity)
    /// Columns a statement let through filled from classified data, classified from then on.
    case classification(DerivedClassification)

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

    // Encoded flat, `{"kind": "statement", "statementID": 1, ...}`, so stored JSON is easy to
    // query (SQLite's json_extract, jq) and stable across Swift versions.
    private enum KindKey: String, CodingKey { case kind }

    public init(from decoder: Decoder) throws {
        let kind = try decoder.container(keyedBy: KindKey.self).decode(String.self, forKey: .kind)
        switch kind {
        case "authentication": self = .authentication(try Authentication(from: decoder))
        case "session_end": self = .sessionEnd(try SessionEnd(from: decoder))
        case "statement": self = .statement(try Statement(from: decoder))
        case "outcome": self = .outcome(try Outcome(from: decoder))
        case "erasure": self = .erasure(try Erasure(from: decoder))
        case "configuration": self = .configuration(try Configuration(from: decoder))
        case "approval": self = .approval(try Approval(from: decoder))
        case "git": self = .git(try GitActivity(from: decoder))
        case "blob": self = .blob(try BlobActivity(from: decoder))
        case "kubernetes": self = .kubernetes(try KubeActivity(from: decoder))
        case "mcp": self = .mcp(try MCPActivity(from: decoder))
        case "classification": self = .classification(try DerivedClassification(from: decoder))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown event kind '\(kind)'"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .authentication(let value): try value.encode(to: encoder)
        case .sessionEnd(let value): try value.encode(to: encoder)
        case .statement(let value): try value.encode(to: encoder)
        case .outcome(let value): try value.encode(to: encoder)
        case .erasure(let value): try value.encode(to: encoder)
        case .configuration(let value): try value.encode(to: encoder)
        case .approval(let value): try value.encode(to: encoder)
        case .git(let value): try value.encode(to: encoder)
        case .blob(let value): try value.encode(to: encoder)
        case .kubernetes(let value): try value.encode(to: encoder)
        case .mcp(let value): try value.encode(to: encoder)
        case .classification(let value): try value.encode(to: encoder)
        }
    }

    /// Derived classification (stashing, docs/security.md): what an approved (or break-glass, or
    /// `mode: never`) write filled from classified columns is personal data of the same category
    /// from then on. Table, column and category names only: nothing here names a data subject.
    public struct DerivedClassification: Sendable, Codable, Equatable {
        /// The statement (of this session) whose write derived it.
        public var statementID: Int
        /// Each table with the columns it gained (or its category when the whole table is).
        public var tables: [DataClassification.Table]
        public init(statementID: Int, tables: [DataClassification.Table]) {
            self.statementID = statementID
            self.tables = tables
        }
    }

    public struct Authentication: Sendable, Codable, Equatable {
        public var accepted: Bool
        /// Why it was refused; nil when accepted. Never contains the token.
        public var reason: String?
        public var clientAddress: String?
        public var clientApplication: String?
        public init(accepted: Bool, reason: String?, clientAddress: String?, clientApplication: String?) {
            self.accepted = accepted
            self.reason = reason
            self.clientAddress = clientAddress
            self.clientApplication = clientApplication
        }
    }

    public struct Erasure: Sendable, Codable, Equatable {
        /// What was asked for: `session` (`audit erase --session`), `subject` (`audit erase
        /// --subject`: every session that touched the person) or `retention` (the period ended).
        public var scope: String
        /// The sessions whose data keys were destroyed, sorted.
        public var sessions: [String]
        /// The operator's stated reason (e.g. a ticket); Gatehouse's own wording for retention.
        public var reason: String?
        /// Who ran the erasure (the operating-system user of `gatehouse audit erase`).
        public var requestedBy: String?
        public init(scope: String, sessions: [String], reason: String?, requestedBy: String?) {
            self.scope = scope
            self.sessions = sessions
            self.reason = reason
            self.requestedBy = requestedBy
        }
    }

    /// One step of an approval request. Recorded in the held session (its `sessionID`), with the
    /// principal who acted: the requester for `requested`, `grant_used`, `break_glass`; the
    /// approver for `approved` and `denied`; none for `notified`, `expired`, `cancelled`.
    public struct Approval: Sendable, Codable, Equatable {
        public enum Step: String, Sendable, Codable, CaseIterable {
            case requested, notified, approved, denied, expired, cancelled
            case grantUsed = "grant_used"
            case breakGlass = "break_glass"
        }
        public var step: Step
        public var requestID: String
        /// The session's statements the step concerns (held, or run under the grant).
        public var statementIDs: [Int]
        /// `requested`, `break_glass`: why approval is needed (policy wording, schema names only).
        public var reasons: [String]?
        /// `requested`: the base relations and personal-data categories the statements touch.
        public var relations: [RelationName]?
        public var categories: [String]?
        /// `requested`, `break_glass` of a Git request: its repository.
        public var repositories: [String]?
        /// `requested`, `break_glass` of an Azure Blob request: its `container/blob` (name masked).
        public var blobs: [String]?
        /// `requested`, `break_glass` of a Kubernetes request: its `namespace/pod`.
        public var pods: [String]?
        /// `approved`, `grant_used`: the grant's scope.
        public var grant: Grant?
        /// `notified`: the kinds of targets notified (`webhook`, `slack`, `teams`).
        public var notified: [String]?
        /// `requested`: the requester's stated purpose (free text, so sealed in the ledger).
        public var purpose: String?
        /// `requested`: the held statement text, masked as statements are (sealed).
        public var statement: String?
        /// `approved`, `denied`: the approver's reason (free text, so sealed).
        public var comment: String?

        public init(step: Step, requestID: String, statementIDs: [Int], reasons: [String]? = nil, relations: [RelationName]? = nil,
                    categories: [String]? = nil, grant: Grant? = nil, notified: [String]? = nil, purpose: String? = nil,
                    statement: String? = nil, comment: String? = nil, repositories: [String]? = nil, blobs: [String]? = nil,
                    pods: [String]? = nil) {
            self.step = step
            self.pods = pods
            self.repositories = repositories
            self.blobs = blobs
            self.requestID = requestID
            self.statementIDs = statementIDs
            self.reasons = reasons
            self.relations = relations
            self.categories = categories
            self.grant = grant
            self.notified = notified
            self.purpose = purpose
            self.statement = statement
            self.comment = comment
        }

        /// What an approval lets through.
        public struct Grant: Sendable, Codable, Equatable {
            public enum Kind: String, Sendable, Codable, CaseIterable {
                /// Exactly the held statement, once.
                case oneTime = "one-time"
                /// The requester, on that connection, on `relations` (or Git `repositories`), until `expires`.
                case timeBoxed = "time-boxed"
            }
            public var kind: Kind
            public var expires: Date?
            public var relations: [RelationName]
            /// Git grants: the repositories covered (nil for statement grants).
            public var repositories: [String]?
            /// Azure Blob grants: the blob (one-time) or the `container/dir/` prefixes (time-boxed) covered.
            public var blobs: [String]?
            /// Kubernetes grants: the `namespace/pod` (one-time) or the `namespace/` prefixes (time-boxed) covered.
            public var pods: [String]?

            public init(kind: Kind, expires: Date?, relations: [RelationName], repositories: [String]? = nil, blobs: [String]? = nil,
                        pods: [String]? = nil) {
                self.pods = pods
                self.kind = kind
                self.expires = expires
                self.relations = relations
                self.repositories = repositories
                self.blobs = blobs
            }
        }
    }

    public struct Configuration: Sendable, Codable, Equatable {
        /// The configuration file, as given.
        public var path: String
        /// Hex SHA-256 of the file's bytes.
        public var sha256: String
        /// The connection names it defines, sorted.
        public var connections: [String]
        public init(path: String, sha256: String, connections: [String]) {
            self.path = path
            self.sha256 = sha256
            self.connections = connections
        }
    }

    public struct SessionEnd: Sendable, Codable, Equatable {
        public var reason: String
        public var statements: Int
        public init(reason: String, statements: Int) {
            self.reason = reason
            self.statements = statements
        }
    }

    public struct Statement: Sendable, Codable, Equatable {
        /// Sequence number of the statement within its session, starting at 1.
        public var statementID: Int
        /// `simple` (Query message) or `extended` (Parse/Bind/Execute).
        public var protocolMode: String
        public var text: String
        /// Bind parameter values in text form; binary values as `\x` hex; nil for SQL NULL.
        public var parameters: [String?]
        public var analysis: StatementAnalysis
        /// Data subjects whose identifiers the text or parameters held (they are recorded masked).
        public var subjects: [SubjectReference]?
        public init(statementID: Int, protocolMode: String, text: String, parameters: [String?], analysis: StatementAnalysis,
                    subjects: [SubjectReference]? = nil) {
            self.statementID = statementID
            self.protocolMode = protocolMode
            self.text = text
            self.parameters = parameters
            self.analysis = analysis
            self.subjects = subjects
        }
    }

    public struct Outcome: Sendable, Codable, Equatable {
        public enum Status: String, Sendable, Codable { case completed, failed, notExecuted = "not_executed" }
        public var statementID: Int
        public var status: Status
        /// The server's command tag, e.g. `SELECT 5`.
        public var commandTag: String?
        /// Rows affected or returned, from the command tag.
        public var rows: Int?
        /// SQLSTATE when the statement failed.
        public var errorCode: String?
        /// The server's error message, masked.
        public var errorMessage: String?
        public var durationMicroseconds: Int
        /// Values masked in the response (rows, COPY data, errors and notices).
        public var maskedValues: Int?
        /// Data subjects whose identifiers the response held (masked before the client saw them,
        /// or subject keys, which go out as they are), at most `SubjectReference.limitPerEvent`; `subjectsTruncated` says when there were more.
        public var subjects: [SubjectReference]?
        public var subjectsTruncated: Bool?
        public init(statementID: Int, status: Status, commandTag: String?, rows: Int?, errorCode: String?, durationMicroseconds: Int,
                    errorMessage: String? = nil) {
            self.statementID = statementID
            self.status = status
            self.commandTag = commandTag
            self.rows = rows
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.durationMicroseconds = durationMicroseconds
        }
    }
}
