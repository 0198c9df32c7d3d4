import Crypto
import Foundation
import GatehouseCore
import GatehouseKubernetes
import GatehouseMasking
import NIOConcurrencyHelpers
import NIOCore
import HummingbirdWebSocket

/// The two directions of one exec session. The client's messages (stdin, resize, close) go to
/// the API server as they are; the pod's stdout and stderr come back through one streaming
/// masker each, flushed at the end of a line, so an identifier split between messages (or
/// printed a character at a time) is still masked whole. A partial line (a shell's prompt)
/// therefore shows with the next newline. Binary output (a NUL byte) cannot be masked: the
/// session ends instead. Counts and the hash of what the client got are kept for the ledger.
final class ExecRelay: Sendable {
    private struct State {
        var stdinBytes = 0
        var bytesFromUpstream = 0
        var bytesToClient = 0
        var hasher = SHA256()
        var hits = SubjectHitCollector()
        var exitCode: Int?
        var statusSent = false
        var upstreamEnded = false
        var binaryOutput = false
        var sha256: String?
    }

    private let state = NIOLockedValueBox(State())
    let engine: MaskingEngine
    let tty: Bool
    static let maxMessage = 1 << 20

    init(engine: MaskingEngine, tty: Bool) {
        self.engine = engine
        self.tty = tty
    }

    var stdinBytes: Int { state.withLockedValue { $0.stdinBytes } }
    var bytesFromUpstream: Int { state.withLockedValue { $0.bytesFromUpstream } }
    var bytesToClient: Int { state.withLockedValue { $0.bytesToClient } }
    var hits: [SubjectHit] { state.withLockedValue { $0.hits.hits } }
    var exitCode: Int? { state.withLockedValue { $0.exitCode } }
    var statusSent: Bool { state.withLockedValue { $0.statusSent } }
    var upstreamEnded: Bool { state.withLockedValue { $0.upstreamEnded } }
    /// The command wrote binary output and the session was ended for it.
    var binaryOutput: Bool { state.withLockedValue { $0.binaryOutput } }
    var sha256: String? { state.withLockedValue { $0.sha256 } }

    struct BinaryOutput: Error {}

    /// Relays until the API server ends the session (or the client goes away).
    func run(client: (inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter),
             upstream: (inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter)) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.clientToUpstream(client.inbound, upstream.outbound) }
            group.addTask { try await self.upstreamToClient(upstream.inbound, client.outbound) }
            // Whichever side ends first ends the session.
            _ = try await group.next()
            group.cancelAll()
        }
    }

    private func clientToUpstream(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        for try await message in inbound.messages(maxSize: Self.maxMessage) {
            guard case .binary(let buffer) = message else { continue }
            if buffer.readableBytesView.first == ExecChannel.stdin.rawValue {
                state.withLockedValue { $0.stdinBytes += buffer.readableBytes - 1 }
            }
            try await outbound.write(.binary(buffer))
        }
        try? await outbound.close(.normalClosure, reason: nil)
    }

    private func upstreamToClient(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        var maskers: [ExecChannel: StreamingTextMasker] = [.stdout: StreamingTextMasker(engine: engine), .stderr: StreamingTextMasker(engine: engine)]
        func send(_ channel: ExecChannel, _ bytes: [UInt8]) async throws {
            guard !bytes.isEmpty else { return }
            let message = ExecMessage(channel: channel, payload: bytes).bytes
            state.withLockedValue {
                $0.hasher.update(data: message)
                $0.bytesToClient += message.count
            }
            try await outbound.write(.binary(ByteBuffer(bytes: message)))
        }
        func flush(_ channel: ExecChannel) async throws {
            guard let chunk = maskers[channel]?.finish() else { return }
            state.withLockedValue { $0.hits.add(chunk.hits) }
            try await send(channel, chunk.bytes)
        }
        defer { state.withLockedValue { $0.sha256 = hexString($0.hasher.finalize()) } }
        for try await message in inbound.messages(maxSize: Self.maxMessage) {
            guard case .binary(let buffer) = message, let exec = ExecMessage(buffer.readableBytesView) else { continue }
            state.withLockedValue { $0.bytesFromUpstream += buffer.readableBytes }
            switch exec.channel {
            case .stdout, .stderr:
                if exec.payload.contains(0) {
                    state.withLockedValue { $0.binaryOutput = true }
                    throw BinaryOutput()
                }
                // Complete lines are masked and sent now; a partial line waits for its end.
                let payload = exec.payload[...]
                if let newline = payload.lastIndex(of: 0x0A) {
                    let chunk = maskers[exec.channel]!.feed(Array(payload[...newline]))
                    state.withLockedValue { $0.hits.add(chunk.hits) }
                    try await send(exec.channel, chunk.bytes)
                    try await flush(exec.channel)
                }
                let rest = payload[(payload.lastIndex(of: 0x0A).map { $0 + 1 } ?? payload.startIndex)...]
                if !rest.isEmpty {
                    let chunk = maskers[exec.channel]!.feed(Array(rest))
                    state.withLockedValue { $0.hits.add(chunk.hits) }
                    try await send(exec.channel, chunk.bytes)
                }
            case .error:
                // Everything the command wrote goes out before its exit status.
                try await flush(.stdout)
                try await flush(.stderr)
                let masked = (try? JSONMasker(engine: engine).mask(exec.payload))?.output ?? exec.payload
                state.withLockedValue {
                    $0.exitCode = exec.exitCode
                    $0.statusSent = true
                }
                try await send(.error, masked)
            default:
                continue
            }
        }
        try await flush(.stdout)
        try await flush(.stderr)
        state.withLockedValue { $0.upstreamEnded = true }
    }
}
