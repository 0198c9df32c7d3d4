import Foundation
import GatehouseApproval
import GatehouseCore
import Hummingbird
import Logging

/// The approver's pages: pending requests (refreshing themselves), one request's detail with
/// the decision form, and the decision itself (through the REST API's code path).
extension WebUI {
    static let pendingRefreshSeconds = 5

    func pendingPage(_ session: UISessionStore.Session) -> Response {
        let visible = approvals.broker.pending().filter { isVisible($0, to: session) }
        let body: HTML
        if visible.isEmpty {
            body = "<p class=\"notice\" role=\"status\">No request is waiting for a decision. This page refreshes every \(Self.pendingRefreshSeconds) seconds.</p>"
        } else {
            let rows: [HTML] = visible.map { request in
                """
                <tr><td><a href="\(Self.basePath)/approvals/\(request.id)">\(request.id)</a></td>
                <td>\(request.connection)</td><td>\(request.requester.displayName)</td>
                <td>\(request.purpose?.text ?? "none given")</td>
                <td>\(HTML.list(request.relations.map(\.description) + request.repositories + request.blobs + request.pods))</td><td>\(HTML.list(request.categories))</td>
                <td>\(Self.timeLeft(until: request.deadline, now: now()))</td></tr>
                """
            }
            body = """
                <p class="muted" role="status">\(visible.count) waiting. This page refreshes every \(Self.pendingRefreshSeconds) seconds.</p>
                <table><caption class="muted">Requests waiting for a decision</caption>
                <thead><tr><th scope="col">Request</th><th scope="col">Connection</th><th scope="col">Requester</th><th scope="col">Purpose</th>
                <th scope="col">Tables, repositories, blobs or pods</th><th scope="col">Personal data</th><th scope="col">Time left</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                """
        }
        return UILayout.page(title: "Pending approvals", session: session, body: body, refreshSeconds: Self.pendingRefreshSeconds)
    }

    func requestPage(id: String, session: UISessionStore.Session, status: HTTPResponse.Status = .ok, problem: String? = nil, outcome: String? = nil) -> Response {
        guard let request = approvals.broker.request(id), isVisible(request, to: session) else {
            return UILayout.message(status: .notFound, title: "Unknown request", session: session,
                                    text: "There is no approval request \(id) that you may see. It may have been decided long ago, or the gateway restarted.",
                                    link: (Self.basePath + "/approvals", "Pending approvals"))
        }
        let rules = approvals.rules(request.connection)
        let problemBox: HTML = problem.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        let outcomeBox: HTML = outcome.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? ""
        let decisions: [HTML] = request.decisions.map { decision in
            "<li>\(decision.approved ? "Approved" : "Denied") by \(decision.approver.displayName) at \(UTCTimestamp.string(from: decision.decidedAt) ?? "")\(decision.reason.map { ": \($0)" } ?? "")</li>"
        }
        let decisionList: HTML = decisions.isEmpty ? "" : "<h2>Decisions so far</h2><ul>\(decisions)</ul>"
        let body: HTML = """
            \(problemBox)\(outcomeBox)
            <dl>
            <dt>State</dt><dd>\(request.state.rawValue)</dd>
            <dt>Requester</dt><dd>\(request.requester.displayName) <span class="muted">(subject \(request.requester.subject), issuer \(request.requester.issuer))</span></dd>
            <dt>Requester's groups</dt><dd>\(HTML.list(request.requester.groups))</dd>
            <dt>Agent application</dt><dd>\(request.requester.agentApplication ?? "not stated")</dd>
            <dt>Connection</dt><dd>\(request.connection)</dd>
            <dt>Purpose</dt><dd>\(request.purpose.map { "\($0.text) (from \($0.source.rawValue))" } ?? "none given")</dd>
            \(Self.targetDetails(request))
            <dt>Personal data</dt><dd>\(HTML.list(request.categories))</dd>
            <dt>Why it was held</dt><dd>\(HTML.list(request.reasons))</dd>
            <dt>Requested</dt><dd>\(UTCTimestamp.string(from: request.createdAt) ?? "")</dd>
            <dt>Decide by</dt><dd>\(UTCTimestamp.string(from: request.deadline) ?? "") (\(Self.timeLeft(until: request.deadline, now: now())))</dd>
            </dl>
            <h2>\(!request.repositories.isEmpty ? "Git request" : !request.blobs.isEmpty ? "Blob request"
                  : !request.pods.isEmpty ? "Kubernetes request" : "Statement (masked)")</h2>
            <pre>\(request.maskedStatement)</pre>
            \(decisionList)
            \(request.state == .pending ? decisionForm(request, session: session, maximumMinutes: rules?.maximumGrantMinutes) : "")
            """
        return UILayout.page(status: status, title: "Request \(request.id)", session: session, body: body)
    }

    private func decisionForm(_ request: ApprovalRequest, session: UISessionStore.Session, maximumMinutes: Int?) -> HTML {
        let maximum = maximumMinutes ?? 1
        let isGit = !request.repositories.isEmpty, isBlob = !request.blobs.isEmpty, isPod = !request.pods.isEmpty
        let once = isGit ? "Once: exactly this Git request" : isBlob ? "Once: exactly this Blob request"
            : isPod ? "Once: exactly this Kubernetes request" : "Once: exactly this statement, one time"
        let timeBoxed = isGit ? "Time-boxed: this requester, this repository and operation, for"
            : isBlob ? "Time-boxed: this requester, this operation on blobs in the same container and folder, for"
            : isPod ? "Time-boxed: this requester, this operation on every pod of the namespace, for"
            : "Time-boxed: this requester, these tables, for"
        return """
            <form method="post" action="\(Self.basePath)/approvals/\(request.id)/decide">
            \(UILayout.csrfField(session))
            <label for="reason">Reason (recorded in the ledger)</label>
            <textarea id="reason" name="reason" required maxlength="\(ApprovalAPI.maximumReasonLength)"></textarea>
            <fieldset><legend>Grant, if approved</legend>
            <input type="radio" id="grant-once" name="grant" value="one-time" checked>
            <label class="inline" for="grant-once">\(once)</label><br>
            <input type="radio" id="grant-time" name="grant" value="time-boxed">
            <label class="inline" for="grant-time">\(timeBoxed)</label>
            <input type="number" id="minutes" name="minutes" min="1" max="\(maximum)" value="\(min(10, maximum))" aria-label="minutes">
            <span>minutes (at most \(maximum))</span>
            </fieldset>
            <div class="actions">
            <button class="approve" type="submit" name="decision" value="approve">Approve</button>
            <button class="deny" type="submit" name="decision" value="deny">Deny</button>
            </div>
            </form>
            """
    }

    func decide(id: String, fields: [String: String], session: UISessionStore.Session, logger: Logger) async -> Response {
        let approve: Bool
        switch fields["decision"] {
        case "approve": approve = true
        case "deny": approve = false
        default: return requestPage(id: id, session: session, status: .unprocessableContent, problem: "Choose Approve or Deny.")
        }
        var minutes: Int?
        if fields["grant"] == "time-boxed" {
            guard let text = fields["minutes"], let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                return requestPage(id: id, session: session, status: .unprocessableContent, problem: "A time-boxed grant needs a whole number of minutes.")
            }
            minutes = value
        }
        let body: DecisionBody
        switch DecisionBody.make(reason: fields["reason"], grantKind: fields["grant"], minutes: minutes, approve: approve) {
        case .success(let value): body = value
        case .failure(let problem):
            return requestPage(id: id, session: session, status: .unprocessableContent, problem: "Not decided: \(problem.message).")
        }
        switch await approvals.decideOnBroker(id: id, caller: session.principal, approve: approve, body: body, logger: logger) {
        case .failure(let refusal):
            return requestPage(id: id, session: session, status: refusal.httpStatus, problem: "Not decided: \(refusal.description)")
        case .success(let decided):
            let outcome: String
            switch decided.outcome {
            case .approved(let grant):
                outcome = "Approved. The held statement proceeds now; grant \(grant.id) \(Self.describe(grant)) (expires \(UTCTimestamp.string(from: grant.expiresAt) ?? ""))."
            case .awaitingMoreApprovals(let remaining):
                outcome = "Your approval is recorded; \(remaining) more approver\(remaining == 1 ? "" : "s") must approve."
            case .denied:
                outcome = "Denied. The requester receives an error naming this request."
            }
            return requestPage(id: id, session: session, outcome: outcome)
        }
    }

    /// Approvers of the request's connection, admins, and the requester may see a request.
    func isVisible(_ request: ApprovalRequest, to session: UISessionStore.Session) -> Bool {
        session.roles.contains(.admin) || approvals.isVisible(request, to: session.principal)
    }

    /// What the request touches: tables, columns and statement kinds, or a Git repository and operation.
    static func targetDetails(_ request: ApprovalRequest) -> HTML {
        if !request.repositories.isEmpty {
            return """
                <dt>Repository</dt><dd>\(HTML.list(request.repositories))</dd>
                <dt>Git operation</dt><dd>\(HTML.list(request.scope.gitOperations.map(\.rawValue)))</dd>
                """
        }
        if !request.blobs.isEmpty {
            return """
                <dt>Blob</dt><dd>\(HTML.list(request.blobs))</dd>
                <dt>Blob operation</dt><dd>\(HTML.list(request.scope.blobOperations))</dd>
                """
        }
        if !request.pods.isEmpty {
            return """
                <dt>Pod</dt><dd>\(HTML.list(request.pods))</dd>
                <dt>Kubernetes operation</dt><dd>\(HTML.list(request.scope.kubeOperations))</dd>
                """
        }
        return """
            <dt>Tables</dt><dd>\(HTML.list(request.relations.map(\.description)))</dd>
            <dt>Columns</dt><dd>\(HTML.list(request.columns.map(\.description)))</dd>
            <dt>Statement kinds</dt><dd>\(HTML.list(request.scope.kinds.map(\.rawValue)))</dd>
            """
    }

    static func describe(_ grant: ApprovalGrant) -> String {
        switch grant.coverage {
        case .oneTime: "covers this statement once"
        case .timeBoxed(let relations, _): "covers \(relations.map(\.description).joined(separator: ", ")) for its duration"
        case .gitRequest(_, let repository): "covers this request on \(repository) (its negotiation rounds included) until it expires"
        case .gitRepositories(let repositories, let operations):
            "covers \(operations.map(\.rawValue).joined(separator: " and ")) on \(repositories.joined(separator: ", ")) for its duration"
        case .blobRequest(_, let blob): "covers this request on \(blob) once"
        case .blobPrefixes(let prefixes, let operations):
            "covers \(operations.joined(separator: " and ")) on blobs below \(prefixes.joined(separator: ", ")) for its duration"
        case .podRequest(_, let pod): "covers this request on \(pod) once"
        case .podNamespaces(let namespaces, let operations):
            "covers \(operations.joined(separator: " and ")) on the pods of \(namespaces.joined(separator: ", ")) for its duration"
        }
    }

    static func timeLeft(until deadline: Date, now: Date) -> String {
        let seconds = Int(deadline.timeIntervalSince(now).rounded(.down))
        return seconds > 0 ? "\(seconds) s left" : "past its deadline"
    }
}
