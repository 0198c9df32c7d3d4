import Foundation
import GatehouseApproval
import GatehouseCore
import GatehouseGit
import GatehouseHTTPProxy
import Hummingbird
import HTTPTypes
import NIOCore

/// A held request whose answer can start before the decision: a push with side-band, or a fetch
/// whose answer's first packet is certain (`FetchAnswerOpening`). The answer starts at once, so
/// git prints `remote: gatehouse: approval request apr_… holds this …` while it waits, then
/// carries whatever the request comes to on the same side-band: the upstream's own answer, the
/// gateway's refusal, or an error. Keepalives while it waits also tell the gateway when the
/// client has gone away: the request is then cancelled, and a later approval forwards nothing.
extension GitGateway {
    static let keepalive = ByteBuffer(bytes: Sideband.keepalive)
    static let keepaliveInterval: Duration = .seconds(2)

    func heldPushResponse(_ request: ApprovalRequest, _ decided: PushDecision, _ call: Call) -> Response {
        let gateway = self
        let maxChunk = decided.push.sidebandMaxChunk
        let waiting = ByteBuffer(bytes: Sideband.progress.encode(message: heldMessage(request, .push, call), maxChunk: maxChunk))
        return Response(status: .ok, headers: [.contentType: "application/x-git-receive-pack-result", .cacheControl: "no-store"],
                        body: ResponseBody { writer in
            guard let outcome = try await gateway.decisionInBand(on: request, opening: waiting, writer: &writer, call) else { return }
            var decided = decided
            decided.apply(outcome)
            let answer = await gateway.concludePush(decided, call)
            // Every 200 the push comes to is a receive-pack result (the upstream's or the gateway's report).
            if answer.status == .ok {
                try await answer.body.write(writer)
            } else {
                try await Self.writeBandError(await Self.errorText(answer), maxChunk: maxChunk, to: &writer)
            }
        })
    }

    func heldFetchResponse(_ request: ApprovalRequest, _ opening: FetchAnswerOpening, _ activity: GitActivity,
                           _ proxyRequest: ProxyRequest, _ call: Call) -> Response {
        let gateway = self
        let waiting = ByteBuffer(bytes: opening.packet
                                 + Sideband.progress.encode(message: heldMessage(request, .fetch, call), maxChunk: opening.maxChunk))
        return Response(status: .ok, headers: [.contentType: "application/x-git-upload-pack-result", .cacheControl: "no-store"],
                        body: ResponseBody { writer in
            guard let outcome = try await gateway.decisionInBand(on: request, opening: waiting, writer: &writer, call) else { return }
            switch await gateway.concludeFetch(outcome, activity, proxyRequest, call) {
            case .forwarded(let upstream) where upstream.status == .ok:
                try await Self.relay(upstream, after: opening, to: &writer)
            case .forwarded(let upstream):
                try await Self.writeBandError(await Self.errorText(upstream.response()), maxChunk: opening.maxChunk, to: &writer)
            case .refused(let message):
                try await Self.writeBandError(message, maxChunk: opening.maxChunk, to: &writer)
            case .failed(let response):
                try await Self.writeBandError(await Self.errorText(response), maxChunk: opening.maxChunk, to: &writer)
            }
        })
    }

    /// Writes `opening` (the message that the request is held), then waits for the decision
    /// with keepalives; nil when the client went away (the request is then cancelled, recorded).
    private func decisionInBand(on request: ApprovalRequest, opening: ByteBuffer, writer: inout any ResponseBodyWriter,
                                _ call: Call) async throws -> ApprovalOutcome? {
        do {
            try await writer.write(opening)
        } catch {
            // Gone before it was put to anyone: recorded as cancelled, never submitted.
            _ = await resolved(.cancelled, request, endsRequest: true, call)
            throw error
        }
        return try await withThrowingTaskGroup(of: ApprovalOutcome?.self) { group in
            group.addTask { await self.decision(on: request, endsRequest: true, call) }
            group.addTask { try await Task.sleep(for: Self.keepaliveInterval); return nil }
            var clientGone = false
            while let next = try await group.next() {
                if let outcome = next {
                    group.cancelAll()
                    return clientGone ? nil : outcome
                }
                guard !clientGone else { continue }
                do {
                    try await writer.write(Self.keepalive)
                    group.addTask { try await Task.sleep(for: Self.keepaliveInterval); return nil }
                } catch {
                    // Cancelling the request resolves the decision, which records the
                    // `cancelled` step before the loop sees its outcome.
                    clientGone = true
                    approvals.cancel(request.id)
                }
            }
            return nil
        }
    }

    /// The upstream's upload-pack answer without the opening packet the client already has.
    private static func relay(_ upstream: UpstreamResponse, after opening: FetchAnswerOpening,
                              to writer: inout any ResponseBodyWriter) async throws {
        var reader = FetchAnswerOpeningReader(expecting: opening)
        var chunks = upstream.body.makeAsyncIterator()
        while let chunk = try await chunks.next() {
            switch reader.read(chunk.readableBytesView) {
            case .needMore:
                continue
            case .matched(let rest):
                if !rest.isEmpty { try await writer.write(ByteBuffer(bytes: rest)) }
                while let chunk = try await chunks.next() { try await writer.write(chunk) }
                try await writer.finish(nil)
                return
            case .remoteError(let message):
                return try await writeBandError("the upstream refused the fetch: \(message)", maxChunk: opening.maxChunk, to: &writer)
            case .unexpected(let what):
                return try await writeBandError("gatehouse: the upstream answered with \(what); fetch again",
                                                maxChunk: opening.maxChunk, to: &writer)
            }
        }
        try await writeBandError("gatehouse: the upstream's answer ended before it began", maxChunk: opening.maxChunk, to: &writer)
    }

    /// Band 3: git prints the message and stops.
    private static func writeBandError(_ message: String, maxChunk: Int, to writer: inout any ResponseBodyWriter) async throws {
        try await writer.write(ByteBuffer(bytes: Sideband.error.encode(message: message, maxChunk: maxChunk)))
        try await writer.finish(nil)
    }

    /// An error response as one line for band 3: its status and the start of its text.
    private static func errorText(_ response: Response) async -> String {
        let collected = CollectedBody()
        try? await response.body.write(CollectingWriter(into: collected))
        let text = String(decoding: collected.buffer.readableBytesView, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return "HTTP \(response.status.code): " + (text.isEmpty ? response.status.reasonPhrase : text)
    }
}

/// Where `CollectingWriter` puts a response body (a writer is consumed by `finish`).
private final class CollectedBody: @unchecked Sendable {
    static let limit = 4096
    var buffer = ByteBuffer()
}

/// Reads the start of an error response's body (plain text) into memory.
private struct CollectingWriter: ResponseBodyWriter {
    let into: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        let room = CollectedBody.limit - into.buffer.readableBytes
        if room > 0, let part = buffer.readSlice(length: min(room, buffer.readableBytes)) {
            into.buffer.writeImmutableBuffer(part)
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
