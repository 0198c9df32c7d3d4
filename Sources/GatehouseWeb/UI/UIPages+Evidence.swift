import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// The auditor's pages: recorded sessions, one session's timeline with each entry's inclusion
/// proof checked, and the ledger's status with an on-demand verification.
extension WebUI {
    static let sessionsPerPage = 50

    func sessionsPage(_ request: Request, session: UISessionStore.Session) -> Response {
        guard let evidence else { return noLedger(session) }
        let pageNumber = max(1, request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1)
        // Refused logins are listed on their own page: anyone can cause one, without a token.
        let refused = request.uri.queryParameters["list"] == "refused"
        let listing: LedgerBrowser.Listing = refused ? .refusedLogins : .sessions
        let listParameter = refused ? "list=refused&" : ""
        do {
            let total = try evidence.browser.sessionCount(listing: listing)
            let other = try evidence.browser.sessionCount(listing: refused ? .sessions : .refusedLogins)
            let summaries = try evidence.browser.sessions(limit: Self.sessionsPerPage, offset: (pageNumber - 1) * Self.sessionsPerPage,
                                                          listing: listing)
            let rows: [HTML] = summaries.map { summary in
                """
                <tr><td><a href="\(Self.basePath)/sessions/\(summary.sessionID)">\(summary.sessionID)</a></td>
                <td>\(summary.principal?.displayName ?? "unknown")</td><td>\(summary.connection ?? "")</td>
                <td>\(UTCTimestamp.string(from: summary.startedAt) ?? "")</td><td>\(summary.statementCount)</td>
                <td>\(summary.approvalCount)</td><td>\(summary.erased ? "erased" : "readable")</td></tr>
                """
            }
            let pages = max(1, (total + Self.sessionsPerPage - 1) / Self.sessionsPerPage)
            var pager: [HTML] = []
            if pageNumber > 1 { pager.append("<a href=\"?\(listParameter)page=\(pageNumber - 1)\">Newer</a> ") }
            if pageNumber < pages { pager.append("<a href=\"?\(listParameter)page=\(pageNumber + 1)\">Older</a>") }
            let what: HTML = refused ? "refused logins" : "sessions"
            let switchLink: HTML = refused
                ? "<a href=\"\(Self.basePath)/sessions\">\(other) sessions</a>"
                : "<a href=\"\(Self.basePath)/sessions?list=refused\">\(other) refused logins</a> (listed apart)"
            let body: HTML = """
                <p class="muted">\(total) \(what) recorded, newest first (page \(pageNumber) of \(pages)). \(switchLink)</p>
                <table><thead><tr><th scope="col">Session</th><th scope="col">Who</th><th scope="col">Connection</th><th scope="col">Started</th>
                <th scope="col">Statements</th><th scope="col">Approval steps</th><th scope="col">Content</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                <p>\(pager)</p>
                """
            return UILayout.page(title: refused ? "Refused logins" : "Sessions", session: session, body: body)
        } catch {
            return ledgerUnreadable(error, session: session)
        }
    }

    func timelinePage(id: String, session: UISessionStore.Session) -> Response {
        guard let evidence else { return noLedger(session) }
        do {
            guard let timeline = try evidence.browser.timeline(sessionID: id) else {
                return UILayout.message(status: .notFound, title: "Unknown session", session: session,
                                        text: "The ledger has no session \(id).", link: (Self.basePath + "/sessions", "Sessions"))
            }
            let rows: [HTML] = try timeline.entries.map { entry in
                let check = try evidence.browser.inclusion(of: entry.index)
                let details: [HTML] = entry.details.map { "<dt>\($0.label)</dt><dd>\($0.value)</dd>" }
                let detailList: HTML = details.isEmpty ? "" : "<dl>\(details)</dl>"
                let proof: HTML = check.verified
                    ? "<span class=\"ok\">included</span> <span class=\"muted\">(\(check.proofHashes) hashes, tree size \(check.treeSize)\(check.againstCheckpoint ? ", signed checkpoint" : ", current root: not yet checkpointed"))</span>"
                    : "<span class=\"bad\">proof fails</span> \(check.failure ?? "")"
                return """
                    <tr><td>\(entry.index)</td><td>\(UTCTimestamp.string(from: entry.time) ?? "")</td><td>\(entry.kind)</td>
                    <td>\(entry.headline)\(detailList)</td><td>\(proof)</td></tr>
                    """
            }
            let summary = timeline.summary
            let body: HTML = """
                <dl>
                <dt>Who</dt><dd>\(summary.principal?.displayName ?? "unknown")\(summary.principal.map { " (subject \($0.subject))" } ?? "")</dd>
                <dt>Agent application</dt><dd>\(summary.principal?.agentApplication ?? "not stated")</dd>
                <dt>Connection</dt><dd>\(summary.connection ?? "")</dd>
                <dt>From</dt><dd>\(UTCTimestamp.string(from: summary.startedAt) ?? "") to \(UTCTimestamp.string(from: summary.lastActivityAt) ?? "")</dd>
                <dt>Content</dt><dd>\(summary.erased ? "erased: sealed fields can no longer be opened; the entries and proofs remain" : "readable (statement text is stored masked)")</dd>
                </dl>
                <table><caption class="muted">Every ledger entry of the session, with its inclusion proof checked now</caption>
                <thead><tr><th scope="col">Index</th><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">What</th><th scope="col">Inclusion proof</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                \(transcriptSection(timeline, id: id))
                """
            return UILayout.page(title: "Session \(id)", session: session, body: body)
        } catch {
            return ledgerUnreadable(error, session: session)
        }
    }

    /// An exec session's transcript: what the client saw, as recorded (masked), readable text.
    private func transcriptSection(_ timeline: SessionTimeline, id: String) -> HTML {
        if timeline.transcriptUnreadable {
            return "<h3>Transcript</h3><p>The session's recorded streams are erased: their entries and proofs remain.</p>"
        }
        guard let transcript = timeline.transcript else { return "" }
        var text = transcript.readableOutput
        var cut: HTML = ""
        if text.utf8.count > Self.transcriptLimit {
            text = String(decoding: text.utf8.prefix(Self.transcriptLimit), as: UTF8.self)
            cut = "<p class=\"muted\">Shown up to \(Self.transcriptLimit / 1024) KiB: the whole session is in its replay.</p>"
        }
        let exit: String = transcript.exitCode.map { "exit code \($0)" } ?? "no exit code"
        return """
            <h3>Transcript</h3>
            <p class="muted">\(transcript.command ?? "interactive shell") · \(transcript.tty ? "terminal \(transcript.width)×\(transcript.height)" : "no terminal") · \(exit) · \(transcript.events.count) recorded chunks. Output as the client saw it (masked). Replay it with <code>gatehouse audit replay --session \(id)</code>.</p>
            <pre class="transcript">\(text)</pre>\(cut)
            """
    }

    static let transcriptLimit = 256 * 1024

    func ledgerPage(session: UISessionStore.Session, verification: UIEvidence.Verification?) -> Response {
        guard let evidence else { return noLedger(session) }
        do {
            let status = try evidence.browser.status()
            let checkpoint: HTML
            if let latest = status.latestCheckpoint {
                let signature: HTML = switch latest.signatureValid {
                case true?: "<span class=\"ok\">valid</span>"
                case false?: "<span class=\"bad\">does not verify</span>"
                case nil: "not checked (no verifier key)"
                }
                checkpoint = """
                    <dl>
                    <dt>Tree size</dt><dd>\(latest.treeSize)</dd>
                    <dt>Root hash</dt><dd><code>\(latest.rootHash)</code></dd>
                    <dt>Signed at</dt><dd>\(UTCTimestamp.string(from: latest.signedAt) ?? "")</dd>
                    <dt>Signature</dt><dd>\(signature)</dd>
                    <dt>Matches the stored tree</dt><dd>\(latest.matchesStoredTree ? "<span class=\"ok\">yes</span>" : "<span class=\"bad\">no</span>")</dd>
                    </dl>
                    <h3>Signed note</h3><pre>\(latest.note)</pre>
                    """
            } else {
                checkpoint = "<p class=\"notice\">No checkpoint has been signed yet.</p>"
            }
            let result: HTML = verification.map { outcome in
                outcome.passed
                    ? "<p class=\"notice\" role=\"status\"><span class=\"ok\">Verified.</span> \(outcome.message)</p>"
                    : "<p class=\"error\" role=\"alert\"><span class=\"bad\">Verification failed.</span> \(outcome.message)</p>"
            } ?? ""
            let body: HTML = """
                \(result)
                <dl>
                <dt>Origin</dt><dd>\(status.origin ?? "")</dd>
                <dt>Entries</dt><dd>\(status.treeSize)</dd>
                <dt>Current root</dt><dd><code>\(status.rootHash)</code></dd>
                <dt>Checkpoints stored</dt><dd>\(status.checkpointCount)</dd>
                </dl>
                <h2>Latest checkpoint</h2>
                \(checkpoint)
                <form method="post" action="\(Self.basePath)/ledger/verify">
                \(UILayout.csrfField(session))
                <p>Verification re-hashes every entry, rebuilds the tree and checks every checkpoint's signature and consistency, as <code>gatehouse audit verify</code> does.</p>
                <button type="submit">Verify the whole ledger now</button>
                </form>
                """
            return UILayout.page(title: "Ledger", session: session, body: body)
        } catch {
            return ledgerUnreadable(error, session: session)
        }
    }

    func verifyLedger(session: UISessionStore.Session) async -> Response {
        guard let evidence else { return noLedger(session) }
        let outcome = await evidence.verify()
        var response = ledgerPage(session: session, verification: outcome)
        if !outcome.passed { response.status = .conflict }
        return response
    }

    private func noLedger(_ session: UISessionStore.Session) -> Response {
        UILayout.message(status: .serviceUnavailable, title: "No ledger", session: session, text: "This gateway serves the UI without a ledger to read.")
    }

    private func ledgerUnreadable(_ error: Error, session: UISessionStore.Session) -> Response {
        UILayout.message(status: .internalServerError, title: "Ledger unreadable", session: session,
                         text: "The ledger could not be read: \(error). Run gatehouse audit verify for a full report.")
    }
}
