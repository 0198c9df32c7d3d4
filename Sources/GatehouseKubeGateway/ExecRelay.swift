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
/// session ends instead. Every chunk either way (typed input, masked output, resizes) is recorded
/// as a `stream` event, with its time since the session began, before it is forwarded. Counts and
/// the hash of what the client got are kept for the response event.
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
    /// The session's stream events: `streamEvent` with the chunk's fields set, recorded durably.
    let streamEvent: KubeActivity
    let record: @Sendable (KubeActivity) async throws -> Void
    private let started = ContinuousClock.now
    static let maxMessage = 1 << 20

    init(engine: MaskingEngine, tty: Bool, streamEvent: KubeActivity, record: @escaping @Sendable (KubeActivity) async throws -> Void) {
        self.engine = engine
        self.tty = tty
        self.streamEvent = streamEvent
        self.record = record
    }

    /// The stream event of one chunk, timed now.
    private func chunkEvent(_ message: ExecMessage, hits: [SubjectHit] = []) -> KubeActivity {
        let channel = message.channel, payload = message.payload
        var event = streamEvent
        let elapsed = ContinuousClock.now - started
        event.elapsedMicroseconds = Int(elapsed.components.seconds) * 1_000_000 + Int(elapsed.components.attoseconds / 1_000_000_000_000)
        switch channel {
        case .resize:
            event.channel = KubeActivity.Channel.resize
            let size = message.terminalSize
            event.width = size?.width
            event.height = size?.height
        default:
            event.channel = channel == .stdin ? KubeActivity.Channel.stdin : channel == .stderr ? KubeActivity.Channel.stderr : KubeActivity.Channel.stdout
            if channel == .stdin { event.stdinBytes = payload.count } else { event.bytesToClient = payload.count }
            if let text = String(validating: payload, as: UTF8.self) {
                event.data = text
            } else {
                event.data = Data(payload).base64EncodedString()
                event.encoding = KubeActivity.base64Encoding
            }
            // The subjects this chunk named first (the response event counts them all).
            if !hits.isEmpty {
                event.maskedValues = hits.count
                event.subjects = hits.prefix(SubjectReference.limitPerEvent).map { SubjectReference(kind: $0.kind.rawValue, digest: $0.digest) }
                event.subjectsTruncated = hits.count > SubjectReference.limitPerEvent ? true : nil
            }
        }
        return event
    }

    /// A session that could not be recorded is ended: nothing unrecorded passes.
    struct RecordingFailed: Error { let underlying: Error }

    private func recordChunk(_ event: KubeActivity) async throws {
        do { try await record(event) } catch { throw RecordingFailed(underlying: error) }
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
        var forwarding = RecordedForwarding()
        for try await message in inbound.messages(maxSize: Self.maxMessage) {
            guard case .binary(let buffer) = message else { continue }
            let forward: @Sendable () async throws -> Void = { try await outbound.write(.binary(buffer)) }
            guard let exec = ExecMessage(buffer.readableBytesView), exec.channel == .stdin || exec.channel == .resize else {
                // v5's close signal and anything else: no content of the session's.
                try await forwarding.submit(forward: forward)
                continue
            }
            if exec.channel == .stdin { state.withLockedValue { $0.stdinBytes += exec.payload.count } }
            let event = chunkEvent(exec)
            try await forwarding.submit(record: { try await self.recordChunk(event) }, forward: forward)
        }
        try await forwarding.drain()
        try? await outbound.close(.normalClosure, reason: nil)
    }

    private func upstreamToClient(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        var maskers: [ExecChannel: StreamingTextMasker] = [.stdout: StreamingTextMasker(engine: engine), .stderr: StreamingTextMasker(engine: engine)]
        var forwarding = RecordedForwarding()
        // A chunk is recorded (output as the client gets it, masked), then sent.
        func send(_ channel: ExecChannel, _ bytes: [UInt8], hits: [SubjectHit] = []) async throws {
            guard !bytes.isEmpty else { return }
            let exec = ExecMessage(channel: channel, payload: bytes)
            let message = exec.bytes
            state.withLockedValue {
                $0.hasher.update(data: message)
                $0.bytesToClient += message.count
            }
            let forward: @Sendable () async throws -> Void = { try await outbound.write(.binary(ByteBuffer(bytes: message))) }
            if channel == .error {
                try await forwarding.submit(forward: forward)
            } else {
                let event = chunkEvent(exec, hits: hits)
                try await forwarding.submit(record: { try await self.recordChunk(event) }, forward: forward)
            }
        }
        func flush(_ channel: ExecChannel) async throws {
            guard let chunk = maskers[channel]?.finish() else { return }
            state.withLockedValue { $0.hits.add(chunk.hits) }
            try await send(channel, chunk.bytes, hits: chunk.hits)
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
                    var chunk = maskers[exec.channel]!.feed(Array(payload[...newline]))
                    let rest = maskers[exec.channel]!.finish()
                    chunk.bytes += rest.bytes
                    chunk.hits += rest.hits
                    state.withLockedValue { $0.hits.add(chunk.hits) }
                    try await send(exec.channel, chunk.bytes, hits: chunk.hits)
                }
                let rest = payload[(payload.lastIndex(of: 0x0A).map { $0 + 1 } ?? payload.startIndex)...]
                if !rest.isEmpty {
                    let chunk = maskers[exec.channel]!.feed(Array(rest))
                    state.withLockedValue { $0.hits.add(chunk.hits) }
                    try await send(exec.channel, chunk.bytes, hits: chunk.hits)
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
        try await forwarding.drain()
        state.withLockedValue { $0.upstreamEnded = true }
    }
}
