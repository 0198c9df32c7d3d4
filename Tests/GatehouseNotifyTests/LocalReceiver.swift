import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
@testable import GatehouseNotify

/// A real HTTP server on 127.0.0.1 (an ephemeral port) that records every POST and answers
/// with a scripted sequence of statuses (the last one repeats).
final class LocalReceiver: Sendable {
    struct Received: Sendable {
        let path: String
        let headers: [String: String]
        let body: [UInt8]
        /// Whether the signature header verified against the receiver's secret (nil: none sent).
        let signatureValid: Bool?
    }

    struct Reply: Sendable {
        var status: Int
        var retryAfter: String?
    }

    private struct State {
        var replies: [Reply]
        var received: [Received] = []
        var task: Task<Void, any Error>?
        var port = 0
    }

    private let state: NIOLockedValueBox<State>
    let secret: String?
    var port: Int { state.withLockedValue { $0.port } }

    var received: [Received] { state.withLockedValue { $0.received } }

    private init(replies: [Reply], secret: String?) {
        state = NIOLockedValueBox(State(replies: replies))
        self.secret = secret
    }

    static func start(replies: [Reply], secret: String? = nil) async throws -> LocalReceiver {
        let receiver = LocalReceiver(replies: replies, secret: secret)
        let router = Router()
        router.post("/**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return receiver.record(path: request.uri.path, headers: request.headers, body: Array(body.readableBytesView))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: LocalReceiver.quietLogger)
        let task = Task { try await app.run() }
        receiver.state.withLockedValue { $0.task = task }
        for await port in ports { receiver.state.withLockedValue { $0.port = port } }
        return receiver
    }

    /// Hummingbird logs cancellation at shutdown as an error; tests do not need to see it.
    private static var quietLogger: Logger {
        var logger = Logger(label: "local-receiver")
        logger.logLevel = .critical
        return logger
    }

    func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() async {
        let task = state.withLockedValue { $0.task }
        task?.cancel()
        _ = try? await task?.value
    }

    private func record(path: String, headers: HTTPFields, body: [UInt8]) -> Response {
        var flat: [String: String] = [:]
        for field in headers { flat[field.name.canonicalName] = field.value }
        var valid: Bool?
        if let header = flat["x-gatehouse-signature"], let secret {
            valid = WebhookSignature.isValid(header: header, body: body, secret: secret)
        }
        let reply = state.withLockedValue { state -> Reply in
            state.received.append(Received(path: path, headers: flat, body: body, signatureValid: valid))
            return state.replies.count > 1 ? state.replies.removeFirst() : state.replies[0]
        }
        var responseHeaders = HTTPFields()
        if let retryAfter = reply.retryAfter { responseHeaders[.retryAfter] = retryAfter }
        return Response(status: .init(code: reply.status), headers: responseHeaders,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: reply.status < 300 ? "ok" : "nope")))
    }
}

/// Records failures and requested waits; never actually waits.
final class Recorder: Sendable {
    private let box = NIOLockedValueBox<([NotificationFailure], [Duration])>(([], []))
    var failures: [NotificationFailure] { box.withLockedValue { $0.0 } }
    var sleeps: [Duration] { box.withLockedValue { $0.1 } }
    func fail(_ failure: NotificationFailure) { box.withLockedValue { $0.0.append(failure) } }
    func sleep(_ duration: Duration) { box.withLockedValue { $0.1.append(duration) } }
}
