import Foundation

/// The generic webhook body: stable snake_case field names, every field always present (`null`
/// when unknown), documented field by field in docs/notifications.md. Additive changes only
/// within `schema_version` 1.
public enum GenericWebhookPayload {
    public static let schemaVersion = 1

    public static func body(_ notice: ApprovalNotice) -> [UInt8] { json(notice).serialized() }

    static func json(_ notice: ApprovalNotice) -> JSONValue {
        .object([
            ("id", .string(notice.id)),
            ("type", .string(notice.event.type)),
            ("schema_version", .int(schemaVersion)),
            ("occurred_at", .string(timestampText(notice.occurredAt))),
            ("approval", .object([
                ("request_id", .string(notice.requestID)),
                ("status", .string(notice.event.status)),
                ("requester", .object([
                    ("subject", .string(notice.requesterSubject)),
                    ("username", .optional(notice.requesterUsername)),
                ])),
                ("agent_application", .optional(notice.agentApplication)),
                ("connection", .string(notice.connection)),
                ("purpose", .optional(notice.purpose)),
                ("statement", .string(notice.maskedStatement)),
                ("statement_truncated", .bool(notice.statementTruncated)),
                ("tables", .strings(notice.tables)),
                ("personal_data_categories", .strings(notice.personalDataCategories)),
                ("reasons", .strings(notice.reasons)),
                ("created_at", .string(timestampText(notice.createdAt))),
                ("deadline", .optional(notice.deadline.map(timestampText))),
                ("decided_at", .optional(notice.decidedAt.map(timestampText))),
                ("decided_by", .optional(notice.decidedBy)),
                ("approval_url", .optional(notice.approvalURL?.absoluteString)),
            ])),
        ])
    }
}

/// Human wording shared by the Slack and Teams messages.
enum NoticeWording {
    static func title(_ notice: ApprovalNotice) -> String {
        switch notice.event {
        case .requested: "Approval needed on \(notice.connection)"
        case .approved: "Approved on \(notice.connection)"
        case .denied: "Denied on \(notice.connection)"
        case .expired: "Expired on \(notice.connection)"
        }
    }

    static func summary(_ notice: ApprovalNotice) -> String {
        let who = notice.requesterDisplayName
        let via = notice.agentApplication.map { " via \($0)" } ?? ""
        switch notice.event {
        case .requested:
            return "\(who)\(via) wants to run a statement on \(notice.connection) that needs approval."
        case .approved:
            return "The statement \(who)\(via) asked to run on \(notice.connection) was approved"
                + (notice.decidedBy.map { " by \($0)" } ?? "") + "."
        case .denied:
            return "The statement \(who)\(via) asked to run on \(notice.connection) was denied"
                + (notice.decidedBy.map { " by \($0)" } ?? "") + "."
        case .expired:
            return "The statement \(who)\(via) asked to run on \(notice.connection) expired without a decision and was not run."
        }
    }

    static let buttonTitle = "Review request"

    /// A list for a chat message, capped so a statement touching hundreds of tables still fits.
    static func list(_ items: [String], limit: Int = 20) -> String {
        guard !items.isEmpty else { return "none" }
        guard items.count > limit else { return items.joined(separator: ", ") }
        return items.prefix(limit).joined(separator: ", ") + " and \(items.count - limit) more"
    }

    /// Label and value pairs, in display order; absent values are left out.
    static func facts(_ notice: ApprovalNotice) -> [(String, String)] {
        var facts: [(String, String)] = [("Requester", notice.requesterDisplayName)]
        if let agent = notice.agentApplication { facts.append(("Agent", agent)) }
        facts.append(("Connection", notice.connection))
        if let purpose = notice.purpose { facts.append(("Purpose", purpose)) }
        facts.append(("Tables", list(notice.tables)))
        facts.append(("Personal data", list(notice.personalDataCategories)))
        if !notice.reasons.isEmpty { facts.append(("Why", list(notice.reasons, limit: 5))) }
        facts.append(("Requested", humanTimeText(notice.createdAt)))
        if let deadline = notice.deadline, notice.event == .requested { facts.append(("Deadline", humanTimeText(deadline))) }
        if let decidedAt = notice.decidedAt, notice.event == .approved || notice.event == .denied {
            facts.append(("Decided", humanTimeText(decidedAt)))
        }
        facts.append(("Request ID", notice.requestID))
        return facts
    }
}

/// A Slack incoming-webhook message: `text` (the notification fallback) and Block Kit `blocks`
/// (header, summary, facts, the masked statement, and a button opening the approval page).
public enum SlackPayload {
    public static func body(_ notice: ApprovalNotice) -> [UInt8] { json(notice).serialized() }

    static func json(_ notice: ApprovalNotice) -> JSONValue {
        let facts = NoticeWording.facts(notice)
        var blocks: [JSONValue] = [
            .object([
                ("type", .string("header")),
                ("text", plainText(clip(NoticeWording.title(notice), 150))),
            ]),
            .object([
                ("type", .string("section")),
                ("text", mrkdwn(escape(NoticeWording.summary(notice)))),
            ]),
            // A section holds at most 10 fields of at most 2,000 characters each.
            .object([
                ("type", .string("section")),
                ("fields", .array(facts.prefix(10).map { label, value in
                    mrkdwn("*\(label)*\n" + clip(escape(value), 1900))
                })),
            ]),
            .object([
                ("type", .string("section")),
                ("text", mrkdwn("*Statement (masked)*\n```" + codeBlock(notice.maskedStatement) + "```")),
            ]),
        ]
        if let url = notice.approvalURL?.absoluteString, url.utf8.count <= 3000 {
            blocks.append(.object([
                ("type", .string("actions")),
                ("elements", .array([.object([
                    ("type", .string("button")),
                    ("text", plainText(NoticeWording.buttonTitle)),
                    ("url", .string(url)),
                    ("action_id", .string("gatehouse_open_approval")),
                    ("style", .string("primary")),
                ])])),
            ]))
        }
        var fallback = escape(NoticeWording.title(notice) + ": " + NoticeWording.summary(notice))
        if let url = notice.approvalURL?.absoluteString { fallback += " <\(url)|\(NoticeWording.buttonTitle)>" }
        return .object([
            ("text", .string(fallback)),
            ("blocks", .array(blocks)),
        ])
    }

    private static func plainText(_ text: String) -> JSONValue {
        .object([("type", .string("plain_text")), ("text", .string(text)), ("emoji", .bool(false))])
    }

    private static func mrkdwn(_ text: String) -> JSONValue {
        .object([("type", .string("mrkdwn")), ("text", .string(text))])
    }

    /// Slack's three control characters; escaping them also stops `<!channel>`-style mentions
    /// and links smuggled in through a purpose or a statement.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Statement text inside a ``` block: escaped, and with backtick runs broken so the text cannot
    /// close the block.
    private static func codeBlock(_ text: String) -> String {
        escape(text).replacingOccurrences(of: "``", with: "`\u{200B}`")
    }

    private static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}

/// A Microsoft Teams message for a Workflows ("When a Teams webhook request is received")
/// webhook: a `message` whose one attachment is an Adaptive Card 1.4 with an `Action.OpenUrl`
/// to the approval page.
public enum TeamsPayload {
    public static let cardVersion = "1.4"

    public static func body(_ notice: ApprovalNotice) -> [UInt8] { json(notice).serialized() }

    static func json(_ notice: ApprovalNotice) -> JSONValue {
        .object([
            ("type", .string("message")),
            ("attachments", .array([.object([
                ("contentType", .string("application/vnd.microsoft.card.adaptive")),
                ("contentUrl", .null),
                ("content", card(notice)),
            ])])),
        ])
    }

    /// Every text is a `TextRun` in a `RichTextBlock`: Adaptive Cards never read a TextRun as
    /// Markdown, so neither an agent-declared purpose (`[approve here](https://...)`) nor a table
    /// called `customer_orders` is rendered as anything but the text it is.
    static func card(_ notice: ApprovalNotice) -> JSONValue {
        var body: [JSONValue] = [
            richText([textRun(NoticeWording.title(notice), extra: [("size", .string("Medium")), ("weight", .string("Bolder"))])]),
            richText([textRun(NoticeWording.summary(notice))]),
        ]
        for (label, value) in NoticeWording.facts(notice) {
            body.append(richText([textRun(label + ": ", extra: [("weight", .string("Bolder"))]), textRun(value)],
                                 extra: [("spacing", .string("None"))]))
        }
        body.append(richText([textRun("Statement (masked)", extra: [("weight", .string("Bolder"))])]))
        body.append(richText([textRun(notice.maskedStatement, extra: [("fontType", .string("Monospace"))])]))
        var members: [(String, JSONValue)] = [
            ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")),
            ("type", .string("AdaptiveCard")),
            ("version", .string(cardVersion)),
            ("msteams", .object([("width", .string("Full"))])),
            ("body", .array(body)),
        ]
        if let url = notice.approvalURL?.absoluteString {
            members.append(("actions", .array([.object([
                ("type", .string("Action.OpenUrl")),
                ("title", .string(NoticeWording.buttonTitle)),
                ("url", .string(url)),
            ])])))
        }
        return .object(members)
    }
}

extension TeamsPayload {
    private static func richText(_ inlines: [JSONValue], extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("type", .string("RichTextBlock")), ("inlines", .array(inlines))] + extra)
    }

    private static func textRun(_ text: String, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("type", .string("TextRun")), ("text", .string(text))] + extra)
    }
}
