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
/// session ends instead, except for `kubectl cp`: its tar stream out of the pod is rewritten
/// with every file masked (`TarCopyMasker`), and its tar stream into the pod is released entry by
/// entry once scanned (`TarCopyScanner`); what either refuses ends the session. Every chunk either way (typed input, masked output, resizes) is recorded
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
        var copyRefusal: String?
        var recordingFailure: String?
        var sha256: String?
    }

    private let state = NIOLockedValueBox(State())
    let engine: MaskingEngine
    let tty: Bool
    /// The session's stream events: `streamEvent` with the chunk's fields set, recorded durably.
    let streamEvent: KubeActivity
    let record: @Sendable (KubeActivity) async throws -> Void
    /// `kubectl cp`'s direction, when the command is its tar.
    let copy: ExecOptions.CopyDirection?
    private let started = ContinuousClock.now
    static let maxMessage = 1 << 20

    /// The protocol has v5's close signal, so the pod's stdin can be ended without the session.
    let canCloseStdin: Bool

    init(engine: MaskingEngine, tty: Bool, copy: ExecOptions.CopyDirection? = nil, canCloseStdin: Bool = true, streamEvent: KubeActivity,
         record: @escaping @Sendable (KubeActivity) async throws -> Void) {
        self.engine = engine
        self.tty = tty
        self.copy = copy
        self.canCloseStdin = canCloseStdin
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
    private func recordChunk(_ event: KubeActivity) async throws {
        do { try await record(event) } catch {
            state.withLockedValue { $0.recordingFailure = $0.recordingFailure ?? "\(error)" }
            throw error
        }
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
    /// Why a `kubectl cp` was stopped (the WebSocket client does not hand the error back).
    var copyRefusal: String? { state.withLockedValue { $0.copyRefusal } }
    /// Why a chunk could not be recorded (then it and everything after it stayed unforwarded).
    var recordingFailure: String? { state.withLockedValue { $0.recordingFailure } }

    struct BinaryOutput: Error {}

    /// A `kubectl cp` that Gatehouse stopped: why, for the client's Status and the ledger.
    struct CopyRefused: Error { let message: String }

    private func refuseCopy(_ message: String) -> CopyRefused {
        state.withLockedValue { $0.copyRefusal = $0.copyRefusal ?? message }
        return CopyRefused(message: message)
    }

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
        var scanner = copy == .intoPod ? TarCopyScanner(engine: engine) : nil
        var refused = false
        // A copy into the pod goes on as the scanner releases it: whole entries, found clean.
        // A refused entry never goes: the pod's tar is told its input ended (v5) after the last
        // clean entry, so what it extracts is exactly those, and it ends the session.
        func release(_ scan: (inout TarCopyScanner) -> TarCopyScanner.Step) async throws {
            let step = scan(&scanner!)
            if !step.release.isEmpty {
                let message = ExecMessage(channel: .stdin, payload: step.release)
                let event = chunkEvent(message)
                try await forwarding.submit(record: { try await self.recordChunk(event) },
                                            forward: { try await outbound.write(.binary(ByteBuffer(bytes: message.bytes))) })
            }
            guard let refusal = step.refusal else { return }
            let stop = refuseCopy(refusal.description)
            guard canCloseStdin else { throw stop }
            scanner = nil
            refused = true
            let close = ExecMessage(channel: .close, payload: [ExecChannel.stdin.rawValue]).bytes
            try await forwarding.submit(forward: { try await outbound.write(.binary(ByteBuffer(bytes: close))) })
        }
        for try await message in inbound.messages(maxSize: Self.maxMessage) {
            guard case .binary(let buffer) = message, !refused else { continue }
            let forward: @Sendable () async throws -> Void = { try await outbound.write(.binary(buffer)) }
            if scanner != nil, let exec = ExecMessage(buffer.readableBytesView) {
                if exec.channel == .stdin {
                    state.withLockedValue { $0.stdinBytes += exec.payload.count }
                    try await release { $0.feed(exec.payload) }
                    continue
                }
                if exec.channel == .close {
                    try await release { $0.finish() }
                    if refused { continue }
                    scanner = nil
                }
            }
            guard let exec = ExecMessage(buffer.readableBytesView), exec.channel == .stdin || exec.channel == .resize else {
                // v5's close signal and anything else: no content of the session's.
                try await forwarding.submit(forward: forward)
                continue
            }
            if exec.channel == .stdin { state.withLockedValue { $0.stdinBytes += exec.payload.count } }
            let event = chunkEvent(exec)
            try await forwarding.submit(record: { try await self.recordChunk(event) }, forward: forward)
        }
        if scanner != nil { try await release { $0.finish() } }
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
        var tarMasker = copy == .outOfPod ? TarCopyMasker(engine: engine) : nil
        defer { state.withLockedValue { $0.sha256 = hexString($0.hasher.finalize()) } }
        for try await message in inbound.messages(maxSize: Self.maxMessage) {
            guard case .binary(let buffer) = message, let exec = ExecMessage(buffer.readableBytesView) else { continue }
            state.withLockedValue { $0.bytesFromUpstream += buffer.readableBytes }
            switch exec.channel {
            case .stdout where tarMasker != nil:
                let masked: (bytes: [UInt8], hits: [SubjectHit])
                do { masked = try tarMasker!.feed(exec.payload) } catch let refusal as TarCopyMasker.Refusal {
                    throw refuseCopy(refusal.description)
                }
                state.withLockedValue { $0.hits.add(masked.hits) }
                try await send(.stdout, masked.bytes, hits: masked.hits)
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
            case .error where copyRefusal != nil:
                // The pod's tar stopped where the refused copy did: the client gets Gatehouse's
                // reason instead of tar's complaint about its cut-off input.
                try await flush(.stdout)
                try await flush(.stderr)
                try await forwarding.drain()
                state.withLockedValue { $0.upstreamEnded = true }
                return
            case .error:
                // A copy that tar reports complete must be a complete archive (a failed tar's
                // stderr and status say why it is not).
                if let tarMasker, exec.exitCode == 0 {
                    do { try tarMasker.finish() } catch let refusal as TarCopyMasker.Refusal { throw refuseCopy(refusal.description) }
                }
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
