import Foundation
import GatehouseApproval
import GatehouseGit
import Hummingbird
import HTTPTypes
import NIOCore

/// A held push whose client asked for side-band: the answer starts at once, so git prints
/// `remote: gatehouse: approval request apr_… holds this push …` while it waits, then carries
/// whatever the push comes to (the upstream's own answer, or the gateway's report) in band.
/// Keepalives while it waits also tell the gateway when the client has gone away: the request
/// is then cancelled, and an approval arriving later pushes nothing.
extension GitGateway {
    static let keepalive = ByteBuffer(bytes: Sideband.keepalive)
    static let keepaliveInterval: Duration = .seconds(2)

    func heldPushResponse(_ request: ApprovalRequest, _ decided: PushDecision, _ call: Call) -> Response {
        let gateway = self
        let waiting = ByteBuffer(bytes: Sideband.progress.encode(message: heldMessage(request, .push, call),
                                                                 maxChunk: decided.push.sidebandMaxChunk))
        let body = ResponseBody { writer in
            do {
                try await writer.write(waiting)
            } catch {
                // Gone before it was put to anyone: recorded as cancelled, never submitted.
                _ = await gateway.resolved(.cancelled, request, endsRequest: true, call)
                throw error
            }
            var decided = decided
            guard let outcome = try await gateway.waitWithKeepalives(for: request, writer: &writer, call) else {
                return  // the client went away; the request is cancelled and recorded so
            }
            decided.apply(outcome)
            let answer = await gateway.conclude(decided, call)
            try await gateway.relayInBand(answer, to: &writer, maxChunk: decided.push.sidebandMaxChunk)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-git-receive-pack-result", .cacheControl: "no-store"],
                        body: body)
    }

    /// The decision, writing a keepalive every interval meanwhile; nil when a write failed (the
    /// client is gone), after the request is cancelled and its resolution recorded.
    private func waitWithKeepalives(for request: ApprovalRequest, writer: inout any ResponseBodyWriter,
                                    _ call: Call) async throws -> ApprovalOutcome? {
        try await withThrowingTaskGroup(of: ApprovalOutcome?.self) { group in
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

    /// Writes an answer whose status line has already gone out as 200: a receive-pack result
    /// is relayed as is; anything else (the upstream unreachable, the record failing) becomes a
    /// band-3 error, which git prints before failing the push.
    private func relayInBand(_ answer: Response, to writer: inout any ResponseBodyWriter, maxChunk: Int) async throws {
        if answer.status == .ok {
            try await answer.body.write(writer)
            return
        }
        let collected = CollectedBody()
        try await answer.body.write(CollectingWriter(into: collected))
        let text = String(decoding: collected.buffer.readableBytesView, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let message = "HTTP \(answer.status.code): " + (text.isEmpty ? answer.status.reasonPhrase : text)
        try await writer.write(ByteBuffer(bytes: Sideband.error.encode(message: message, maxChunk: maxChunk)))
        try await writer.finish(nil)
    }
}

/// Where `CollectingWriter` puts a response body (a writer is consumed by `finish`).
private final class CollectedBody: @unchecked Sendable {
    var buffer = ByteBuffer()
}

/// Reads a small gateway-made response body (a plain-text error) into memory.
private struct CollectingWriter: ResponseBodyWriter {
    let into: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        into.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
