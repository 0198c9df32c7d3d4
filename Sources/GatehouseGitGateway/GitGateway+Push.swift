import Foundation
import GatehouseCore
import GatehouseGit
import GatehouseGitScan
import GatehouseHTTPProxy
import GatehousePolicy
import Hummingbird
import HTTPTypes
import NIOCore

/// Pushes (`POST git-receive-pack`): the whole request is read, its ref updates checked against
/// the connection's push rules, its pack parsed (every new commit is recorded) and scanned for
/// personal identifiers. A refused push never reaches the upstream: git gets a report naming
/// each ref and why, and prints the explanation as `remote:` lines.
extension GitGateway {
    func receivePack(_ request: Request, _ call: Call) async -> Response {
        let proxyRequest: ProxyRequest
        switch await Self.buffered(request, path: call.path.upstreamPath, limit: limits.pushBytes) {
        case .success(let buffered): proxyRequest = buffered
        case .failure(let error): return error.response()
        }
        guard case .buffer(let buffer) = proxyRequest.body else { return Self.plain(.badRequest, "the push request has no body") }
        let body = Array(buffer.readableBytesView)
        let push: ReceivePackRequest
        let pack: ParsedPack?
        do {
            push = try ReceivePackRequest.parse(body)
            pack = push.packOffset < body.count ? try PackParser.parse(body[push.packOffset...]) : nil
        } catch {
            return Self.plain(.badRequest, "malformed push: \(error)")
        }
        var activity = Self.activity(.receivePack, "push", call)
        activity.refUpdates = push.commands.map {
            GitActivity.RefUpdateRecord(ref: $0.ref, old: $0.old.hex, new: $0.new.hex, kind: Self.kindName($0.kind))
        }
        activity.commits = (pack?.commits ?? []).map(Self.commitRecord)
        // Authors and committers are data subjects: a developer's access request finds their commits.
        activity.subjects = subjectDigests(activity.commitEmails)

        let fastForward = FastForward(pushedCommits: pack?.commits ?? [])
        var refusals: [(ref: String, reason: String)] = push.commands.compactMap { command in
            let change = GitPushPolicy.RefChange(
                ref: command.ref, isCreate: command.old.isZero, isDelete: command.new.isZero,
                isFastForward: fastForward.isProvable(from: command.old, to: command.new))
            return call.connection.push.refusal(of: change).map { (command.ref, $0) }
        }
        var explanation: String?
        var holdReasons: [String] = []
        if let scanner = call.connection.scanner, let pack {
            let report = scanner.scan(pack)
            activity.findings = report.findings.map {
                GitActivity.ScanFindingRecord(path: $0.path, kind: $0.name, count: $0.count)
            }
            // What could not be scanned cannot be let through unseen (fail closed); binary files
            // are skipped by design and named in the record.
            let reason: String? = !report.isClean ? report.rejectionReason ?? "personal data in the pushed content"
                : !report.isComplete ? "the push is too large to scan completely; split it into smaller pushes" : nil
            if let reason {
                explanation = report.explanation
                if call.connection.scanHolds {
                    holdReasons.append("push scan: \(reason)")
                } else {
                    refusals.append(contentsOf: push.commands.filter { command in !refusals.contains { $0.ref == command.ref } }
                        .map { ($0.ref, reason) })
                }
            }
        }
        var decided = PushDecision(push: push, request: proxyRequest, activity: activity, refusals: refusals, explanation: explanation)
        // Push rules and scan rejections are final: no approval overrides them, so nobody is
        // asked to approve what would be refused anyway.
        guard refusals.isEmpty else { return await concludePush(decided, call) }
        switch await approvalStep(.push, requestText: Self.pushText(call, push, findings: activity.findings), extraReasons: holdReasons, call) {
        case .decided(let outcome):
            decided.apply(outcome)
        case .needsDecision(let request):
            guard await recordRequested(request, call) else { return Self.notRecorded }
            // With side-band, git shows the client why it waits, while it waits.
            if push.usesSideband { return heldPushResponse(request, decided, call) }
            decided.apply(await decision(on: request, endsRequest: true, call))
        }
        return await concludePush(decided, call)
    }

    /// Everything known about a push once its rules, scan and approval are settled.
    struct PushDecision: Sendable {
        var push: ReceivePackRequest
        var request: ProxyRequest
        var activity: GitActivity
        var refusals: [(ref: String, reason: String)]
        /// The scan's explanation, shown with a refusal.
        var explanation: String?
        var notRecorded = false

        mutating func apply(_ outcome: ApprovalOutcome) {
            switch outcome {
            case .proceed(let approval):
                activity.approval = approval
            case .refused(let reason, let approval):
                activity.approval = approval
                refusals = push.commands.map { ($0.ref, reason) }
            case .notRecorded:
                notRecorded = true
            }
        }
    }

    /// Records the push's entry, then refuses it with a report or forwards it upstream.
    func concludePush(_ decided: PushDecision, _ call: Call) async -> Response {
        guard !decided.notRecorded else { return Self.notRecorded }
        var activity = decided.activity
        let refusals = decided.refusals
        if let first = refusals.first {
            activity.decision = GitActivity.Decision.refused
            activity.reason = refusals.map { "\($0.ref): \($0.reason)" }.joined(separator: "; ")
            guard await record(activity, call) else { return Self.notRecorded }
            let message = ([decided.explanation].compactMap { $0 } + refusals.map { "\($0.ref): \($0.reason)" }).joined(separator: "\n")
            return Self.rejection(decided.push, reason: first.reason, message: "gatehouse refused this push:\n" + message)
        }
        activity.decision = GitActivity.Decision.allowed
        guard await record(activity, call) else { return Self.notRecorded }
        switch await forward(decided.request, call) {
        case .success(let upstream): return Self.upstreamRefusal(upstream, call) ?? upstream.response()
        case .failure(let error): return error.response()
        }
    }

    /// What approvers see of a push, and what a one-time grant covers: the repository, every ref
    /// update, and what the scan found (files and kinds, never values).
    static func pushText(_ call: Call, _ push: ReceivePackRequest, findings: [GitActivity.ScanFindingRecord]) -> String {
        var lines = ["git push \(call.path.repository):"]
        lines += push.commands.map { "  \($0.ref) \($0.old.hex) -> \($0.new.hex) (\(kindName($0.kind)))" }
        if !findings.isEmpty {
            lines.append("personal identifiers found by the scan:")
            lines += findings.map { "  \($0.path): \($0.kind) x\($0.count)" }
        }
        return lines.joined(separator: "\n")
    }

    /// The receive-pack answer git expects, sent by the gateway itself: every ref `ng`.
    static func rejection(_ push: ReceivePackRequest, reason: String, message: String) -> Response {
        do {
            let body = try ReceivePackRejection.body(commands: push.commands, reason: reason, sideband: push.usesSideband, message: message,
                                                     maxChunk: push.sidebandMaxChunk)
            return Response(status: .ok, headers: [.contentType: "application/x-git-receive-pack-result", .cacheControl: "no-store"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        } catch {
            // A reason git cannot carry still refuses the push, as a plain HTTP error.
            return plain(.forbidden, "push refused: \(reason)")
        }
    }

    static func kindName(_ kind: RefUpdate.Kind) -> String {
        switch kind {
        case .create: "create"
        case .update: "update"
        case .delete: "delete"
        }
    }

    static func commitRecord(_ commit: GitCommit) -> GitActivity.CommitRecord {
        GitActivity.CommitRecord(
            id: commit.id.hex, tree: commit.tree.hex, parents: commit.parents.map(\.hex),
            authorName: commit.author.name, authorEmail: commit.author.email, authorTime: commit.author.time,
            committerName: commit.committer.name, committerEmail: commit.committer.email, committerTime: commit.committer.time,
            message: commit.message)
    }
}
