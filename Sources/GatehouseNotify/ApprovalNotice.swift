import Crypto
import Foundation
import GatehouseCore

/// What happened to an approval request: the `type` of every notification is
/// `approval.<rawValue>`.
public enum ApprovalEvent: String, Sendable, Codable, CaseIterable {
    /// A statement is held until someone approves or denies it.
    case requested
    case approved
    case denied
    /// The deadline passed without a decision (the statement was not run).
    case expired

    /// The notification `type`: `approval.requested`, `approval.approved`, ...
    public var type: String { "approval.\(rawValue)" }

    /// The request's status once this event has happened.
    public var status: String {
        switch self {
        case .requested: "pending"
        case .approved: "approved"
        case .denied: "denied"
        case .expired: "expired"
        }
    }
}

/// Everything a notification about one approval request may say, and nothing more: no tokens,
/// no result rows, and no statement text except the masked (and truncated) one.
///
/// The gateway builds one per event and hands it to ``NotificationSender``; the payload builders
/// (``GenericWebhookPayload``, ``SlackPayload``, ``TeamsPayload``) turn it into bytes.
public struct ApprovalNotice: Sendable, Equatable {
    /// Longest statement text carried, in characters; longer text is cut and marked truncated.
    /// Chat messages have size limits (a Slack section holds 3,000 characters) and a reviewer
    /// opens the approval page for the full text anyway.
    public static let maximumStatementCharacters = 1000

    public let event: ApprovalEvent
    /// The approval request's ID (what the approval page and API use).
    public let requestID: String
    /// The token subject (`sub`) of the user on whose behalf the agent acts.
    public let requesterSubject: String
    /// `preferred_username`, when the token had one.
    public let requesterUsername: String?
    /// The agent application (`azp` / `appid`), when known.
    public let agentApplication: String?
    /// The configured connection name (not a host or credential).
    public let connection: String
    /// The purpose the agent declared, when it declared one.
    public let purpose: String?
    /// The statement with personal identifiers masked, at most
    /// ``maximumStatementCharacters`` characters (plus `…` when cut).
    public let maskedStatement: String
    /// Whether ``maskedStatement`` was cut.
    public let statementTruncated: Bool
    /// Schema-qualified tables the statement touches.
    public let tables: [String]
    /// Personal-data categories among them (e.g. `contact`, `national-id`).
    public let personalDataCategories: [String]
    /// Why approval is needed (policy reasons, gateway-written).
    public let reasons: [String]
    /// When the request was created.
    public let createdAt: Date
    /// When the request expires unless decided.
    public let deadline: Date?
    /// When it was approved or denied (nil for requested and expired).
    public let decidedAt: Date?
    /// Who approved or denied it: a display name (username, else subject).
    public let decidedBy: String?
    /// The approval page of this request.
    public let approvalURL: URL?
    /// When this event happened: `createdAt` for requested, `decidedAt` for approved and denied,
    /// the deadline for expired, unless given explicitly.
    public let occurredAt: Date

    public init(
        event: ApprovalEvent, requestID: String, requesterSubject: String, requesterUsername: String? = nil,
        agentApplication: String? = nil, connection: String, purpose: String? = nil, maskedStatement: String,
        tables: [String] = [], personalDataCategories: [String] = [], reasons: [String] = [],
        createdAt: Date, deadline: Date? = nil, decidedAt: Date? = nil, decidedBy: String? = nil,
        approvalURL: URL? = nil, occurredAt: Date? = nil
    ) {
        self.event = event
        self.requestID = requestID
        self.requesterSubject = requesterSubject
        self.requesterUsername = requesterUsername
        self.agentApplication = agentApplication
        self.connection = connection
        self.purpose = purpose
        (self.maskedStatement, self.statementTruncated) = Self.truncate(maskedStatement)
        self.tables = tables
        self.personalDataCategories = personalDataCategories
        self.reasons = reasons
        self.createdAt = createdAt
        self.deadline = deadline
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.approvalURL = approvalURL
        switch event {
        case .requested: self.occurredAt = occurredAt ?? createdAt
        case .approved, .denied: self.occurredAt = occurredAt ?? decidedAt ?? createdAt
        case .expired: self.occurredAt = occurredAt ?? deadline ?? createdAt
        }
    }

    /// The same request's principal fields taken from the validated identity.
    public init(
        event: ApprovalEvent, requestID: String, requester: Principal, connection: String, purpose: String? = nil,
        maskedStatement: String, tables: [String] = [], personalDataCategories: [String] = [], reasons: [String] = [],
        createdAt: Date, deadline: Date? = nil, decidedAt: Date? = nil, decidedBy: String? = nil,
        approvalURL: URL? = nil, occurredAt: Date? = nil
    ) {
        self.init(
            event: event, requestID: requestID, requesterSubject: requester.subject,
            requesterUsername: requester.username, agentApplication: requester.agentApplication,
            connection: connection, purpose: purpose, maskedStatement: maskedStatement, tables: tables,
            personalDataCategories: personalDataCategories, reasons: reasons, createdAt: createdAt,
            deadline: deadline, decidedAt: decidedAt, decidedBy: decidedBy, approvalURL: approvalURL,
            occurredAt: occurredAt)
    }

    /// The notification ID: the same for the same request and event, whichever target and
    /// however many retries, so a receiver can drop duplicates. `ntf_` and 32 hex digits.
    public var id: String {
        let digest = SHA256.hash(data: Array("gatehouse-notification\u{0}\(requestID)\u{0}\(event.rawValue)".utf8))
        return "ntf_" + hexString(Array(digest).prefix(16))
    }

    /// The requester as people read it: username when known, else subject.
    public var requesterDisplayName: String { requesterUsername ?? requesterSubject }

    static func truncate(_ text: String) -> (String, Bool) {
        guard text.count > maximumStatementCharacters else { return (text, false) }
        return (String(text.prefix(maximumStatementCharacters)) + "…", true)
    }
}

/// Timestamps in payloads: `2026-11-26T07:30:00.123Z`, the record's one time format.
func timestampText(_ date: Date) -> String {
    UTCTimestamp.string(from: date) ?? ISO8601DateFormatter().string(from: date)
}

/// Timestamps for people: `2026-11-26 07:30 UTC`.
func humanTimeText(_ date: Date) -> String {
    let text = timestampText(date)
    guard text.count == 24 else { return text }
    return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
}
