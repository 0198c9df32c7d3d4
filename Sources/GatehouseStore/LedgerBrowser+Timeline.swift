import Foundation
import GatehouseCore
import GatehouseLedger

/// One entry of a session's timeline: its kind, one human line, and labelled details. Clear
/// fields always; sealed ones (statement text, approval purpose and comment) only while the
/// session's key exists, and then as recorded: the gateway masked them before recording.
public struct TimelineEntry: Sendable, Equatable {
    public var index: UInt64
    public var time: Date
    /// `authentication`, `statement`, `outcome`, `approval`, `git`, `blob`, `kubernetes`, `mcp`, `session_end`,
    /// `erasure`, `configuration`, `classification`.
    public var kind: String
    public var headline: String
    public var details: [TimelineDetail]
    /// The entry had sealed fields.
    public var sealed: Bool
    /// Everything the entry holds could be read: it had no sealed fields, or they were opened.
    public var readable: Bool

    /// `opened` is the event with its sealed fields, nil when they could not be opened; `erased`
    /// says why (the key is gone) for the details' wording.
    init(_ stored: LedgerStoredEntry, envelope: LedgerEntryEnvelope, opened: GatehouseEvent?, erased: Bool) {
        index = stored.index
        time = envelope.time
        kind = envelope.kind
        sealed = envelope.sealed != nil
        readable = !sealed || opened != nil
        let unreadable = erased ? "erased" : "unavailable"
        var describer = TimelineDescriber(opened: opened?.payload, unreadable: unreadable)
        headline = describer.describe(envelope)
        details = describer.details
    }
}

/// Builds a headline and details from an entry's clear payload and, when opened, its sealed fields.
private struct TimelineDescriber {
    let opened: EventPayload?
    /// What a sealed value shows when it cannot be read.
    let unreadable: String
    var details: [TimelineDetail] = []

    init(opened: EventPayload?, unreadable: String) {
        self.opened = opened
        self.unreadable = unreadable
    }

    private mutating func add(_ label: String, _ value: String?) {
        if let value, !value.isEmpty { details.append(TimelineDetail(label, value)) }
    }

    private mutating func addSealed(_ label: String, _ value: String?) {
        add(label, opened == nil ? unreadable : value)
    }

    private static func relations(_ names: [RelationName]?) -> String? {
        names.map { $0.map(\.description).joined(separator: ", ") }
    }

    mutating func describe(_ envelope: LedgerEntryEnvelope) -> String {
        let actor = envelope.principal?.displayName
        if case .approval = envelope.payload {} else { add("principal", actor) }
        switch envelope.payload {
        case .authentication(let authentication):
            add("accepted", authentication.accepted ? "yes" : "no")
            add("reason", authentication.reason)
            add("client application", authentication.clientApplication)
            return authentication.accepted ? "authentication accepted" : "authentication refused: \(authentication.reason ?? "no reason")"
        case .statement(let statement):
            return describe(statement)
        case .outcome(let outcome):
            return describe(outcome)
        case .approval(let approval):
            return describe(approval, actor: actor)
        case .git(let git):
            return describe(git)
        case .blob(let blob):
            return describe(blob.activity)
        case .kubernetes(let request):
            return describe(request.activity)
        case .mcp(let call):
            return describe(call.activity)
        case .sessionEnd(let end):
            add("reason", end.reason)
            add("statements", String(end.statements))
            return "session ended: \(end.reason) (\(end.statements) statements)"
        case .erasure(let erasure):
            add("scope", erasure.scope)
            add("sessions", erasure.sessions.joined(separator: ", "))
            add("reason", erasure.reason)
            add("requested by", erasure.requestedBy)
            return "erasure of \(erasure.sessions.count) session(s) (\(erasure.scope))"
        case .configuration(let configuration):
            add("path", configuration.path)
            add("sha256", configuration.sha256)
            add("connections", configuration.connections.joined(separator: ", "))
            return "configuration loaded from \(configuration.path)"
        case .classification(let derived):
            let tables = derived.tables.map { table in
                table.category.map { "\(table.relation) (whole table: \($0))" }
                    ?? "\(table.relation) (" + table.columns.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
            }
            add("statement", String(derived.statementID))
            add("classified", tables.joined(separator: "; "))
            return "classification derived by statement \(derived.statementID): \(derived.tables.map(\.relation.description).joined(separator: ", "))"
        }
    }

    /// "blob get-blob exports/customers/[EMAIL].json — allowed", "… — 200, 1234 bytes".
    private mutating func describe(_ blob: BlobActivity) -> String {
        let target = [blob.container, blob.blob].compactMap { $0 }.joined(separator: "/")
        add("operation", blob.operation)
        add("container", blob.container)
        add("blob", blob.blob)
        add("range", blob.range)
        let outcome = describeRequestEvent(request: blob.phase == BlobActivity.Phase.request, decision: blob.decision, reason: blob.reason,
                                           approval: blob.approval, status: blob.status, bytesFromUpstream: blob.bytesFromUpstream,
                                           bytesToClient: blob.bytesToClient, sha256: blob.sha256, maskedValues: blob.maskedValues)
        return "blob \(blob.operation) \(target.isEmpty ? "(account)" : target) — \(outcome)"
    }

    /// "kubernetes logs shop/web-1 — allowed", "… — 200, 1234 bytes".
    private mutating func describe(_ request: KubeActivity) -> String {
        let target = [request.namespace, request.pod].compactMap { $0 }.joined(separator: "/")
        add("operation", request.operation)
        add("path", request.path)
        add("namespace", request.namespace)
        add("pod", request.pod)
        add("container", request.container)
        let outcome = describeRequestEvent(request: request.phase == KubeActivity.Phase.request, decision: request.decision,
                                           reason: request.reason, approval: request.approval, status: request.status,
                                           bytesFromUpstream: request.bytesFromUpstream, bytesToClient: request.bytesToClient,
                                           sha256: request.sha256, maskedValues: request.maskedValues)
        return "kubernetes \(request.operation) \(target.isEmpty ? request.path : target) — \(outcome)"
    }

    /// "mcp query — allowed", "mcp query — ok, 12 rows (truncated)", "mcp query — error". The
    /// arguments and the error told to the agent are sealed: shown only once opened.
    private mutating func describe(_ call: MCPActivity) -> String {
        add("tool", call.tool)
        add("MCP session", call.mcpSession)
        add("client", [call.clientName, call.clientVersion].compactMap { $0 }.joined(separator: " "))
        add("decision", call.decision)
        add("reason", call.reason)
        add("approval", call.approval)
        add("outcome", call.outcome)
        add("PostgreSQL session", call.postgresSession)
        add("rows", call.rows.map(String.init))
        if call.truncated == true { add("truncated", "yes: the row limit cut the result") }
        if case .mcp(let opened)? = opened {
            add("arguments", opened.arguments)
            add("error", opened.error)
        } else {
            addSealed("arguments and error", nil)
        }
        let outcome: String
        if call.phase == MCPActivity.Phase.request {
            outcome = (call.decision ?? "decided") + (call.reason.map { ": \($0)" } ?? "")
        } else {
            outcome = (call.outcome ?? "answered") + (call.rows.map { ", \($0) rows" } ?? "") + (call.truncated == true ? " (truncated)" : "")
        }
        return "mcp \(call.tool) — \(outcome)"
    }

    /// The details an HTTP adapter's request event shares (`blob`, `kubernetes`), and the end of
    /// its headline: the decision when decided ("allowed", "refused: why"), else what was sent.
    private mutating func describeRequestEvent(request: Bool, decision: String?, reason: String?, approval: String?, status: Int?,
                                               bytesFromUpstream: Int?, bytesToClient: Int?, sha256: String?, maskedValues: Int?) -> String {
        add("decision", decision)
        add("reason", reason)
        add("approval", approval)
        add("status", status.map(String.init))
        add("bytes from upstream", bytesFromUpstream.map(String.init))
        add("bytes to client", bytesToClient.map(String.init))
        add("sha256", sha256)
        add("masked values", maskedValues.map(String.init))
        return request ? (decision ?? "decided") + (reason.map { ": \($0)" } ?? "")
            : "\(status.map(String.init) ?? "no status"), \(bytesToClient ?? 0) bytes"
    }

    private mutating func describe(_ statement: LedgerEntryEnvelope.Statement) -> String {
        let analysis = statement.analysis
        let reads = Self.relations(analysis.reads), writes = Self.relations(analysis.writes)
        add("statement", String(statement.statementID))
        add("kind", analysis.kind.rawValue)
        add("protocol", statement.protocolMode)
        add("reads", reads)
        add("writes", writes)
        if case .statement(let opened)? = opened { addSealed("text", opened.text) } else { addSealed("text", nil) }
        var headline = "statement \(statement.statementID): \(analysis.kind.rawValue.uppercased())"
        if let reads, !reads.isEmpty { headline += " reads \(reads)" }
        if let writes, !writes.isEmpty { headline += " writes \(writes)" }
        return headline
    }

    private mutating func describe(_ outcome: LedgerEntryEnvelope.Outcome) -> String {
        add("statement", String(outcome.statementID))
        add("status", outcome.status.rawValue)
        add("command tag", outcome.commandTag)
        add("rows", outcome.rows.map(String.init))
        add("masked values", outcome.maskedValues.map(String.init))
        add("SQLSTATE", outcome.errorCode)
        add("duration", "\(outcome.durationMicroseconds) µs")
        var parts: [String] = []
        switch outcome.status {
        case .completed: break
        case .failed: parts.append("failed" + (outcome.errorCode.map { " (SQLSTATE \($0))" } ?? ""))
        case .notExecuted: parts.append("not executed" + (outcome.errorCode.map { " (SQLSTATE \($0))" } ?? ""))
        }
        if let rows = outcome.rows { parts.append("\(rows) rows") }
        if let masked = outcome.maskedValues, masked > 0 { parts.append("\(masked) values masked") }
        if parts.isEmpty { parts.append(outcome.commandTag ?? outcome.status.rawValue) }
        return "outcome of statement \(outcome.statementID): " + parts.joined(separator: ", ")
    }

    private mutating func describe(_ approval: LedgerEntryEnvelope.Approval, actor: String?) -> String {
        let step = approval.step.rawValue.replacingOccurrences(of: "_", with: " ")
        add("step", step)
        add(approval.step == .approved || approval.step == .denied ? "approver" : "requester", actor)
        add("request", approval.requestID)
        add("statements", approval.statementIDs.map(String.init).joined(separator: ", "))
        add("reasons", approval.reasons?.joined(separator: "; "))
        add("relations", Self.relations(approval.relations))
        add("categories", approval.categories?.joined(separator: ", "))
        if let grant = approval.grant {
            add("grant", grant.kind.rawValue + (grant.expires.flatMap { UTCTimestamp.string(from: $0) }.map { " until \($0)" } ?? ""))
        }
        add("notified", approval.notified?.joined(separator: ", "))
        if case .approval(let opened)? = opened {
            add("purpose", opened.purpose)
            add("statement text", opened.statement)
            add("comment", opened.comment)
        } else {
            addSealed("sealed fields", nil)
        }
        return "approval \(step) \(approval.requestID)"
    }

    /// "git push team/app.git: 2 refs, 3 commits — allowed".
    private mutating func describe(_ git: LedgerEntryEnvelope.Git) -> String {
        add("service", git.service.rawValue)
        add("operation", git.operation)
        add("repository", git.repository)
        add("protocol", "v\(git.protocolVersion)")
        add("decision", git.decision)
        add("reason", git.reason)
        add("approval", git.approval)
        add("refs advertised", git.refsAdvertised.map(String.init))
        if git.wantsTotal > 0 { add("wants", "\(git.wantsTotal)") }
        for update in git.refUpdates {
            add("ref \(update.kind)", "\(update.ref) \(Self.short(update.old))..\(Self.short(update.new))")
        }
        let opened: [GitActivity.CommitRecord]? = if case .git(let activity)? = self.opened { activity.commits } else { nil }
        for (index, commit) in git.commits.enumerated() {
            var line = Self.short(commit.id)
            if let opened, index < opened.count {
                let person = opened[index]
                line += " by \(person.authorName) <\(person.authorEmail)>: " + (person.message.split(separator: "\n").first.map(String.init) ?? "")
            } else {
                line += " (author and message \(unreadable))"
            }
            add("commit", line)
        }
        for finding in git.findings { add("finding", "\(finding.path): \(finding.count) \(finding.kind)") }
        var parts: [String] = []
        switch git.operation {
        case GitActivity.Operation.push:
            parts = [Self.count(git.refUpdates.count, "ref"), Self.count(git.commits.count, "commit")]
        case GitActivity.Operation.fetch:
            parts = [Self.count(git.wantsTotal, "want")]
        default:
            if let refs = git.refsAdvertised { parts = [Self.count(refs, "ref")] }
        }
        if !git.findings.isEmpty { parts.append(Self.count(git.findings.reduce(0) { $0 + $1.count }, "finding")) }
        var headline = "git \(git.operation) \(git.repository)"
        if !parts.isEmpty { headline += ": " + parts.joined(separator: ", ") }
        headline += " — \(git.decision)"
        if let reason = git.reason, git.decision != GitActivity.Decision.allowed { headline += " (\(reason))" }
        return headline
    }

    private static func count(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    private static func short(_ id: String) -> String { String(id.prefix(12)) }
}
