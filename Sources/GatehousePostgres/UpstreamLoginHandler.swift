import GatehousePostgresWire
import NIOCore
import NIOSSL

/// Logs in to the upstream server: optional TLS negotiation (SSLRequest), then the startup and
/// authentication exchange driven by `UpstreamLoginStateMachine`. When login completes it
/// fulfils `loggedIn` and from then on passes bytes through untouched.
final class UpstreamLoginHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case awaitingTLSAnswer, loggingIn, done }

    private var phase: Phase = .loggingIn
    private var buffer = ByteBuffer()
    private var machine: UpstreamLoginStateMachine
    private let tls: UpstreamTLS?
    let loggedIn: EventLoopPromise<UpstreamSession>
    private let timeoutSeconds: Int
    private var deadline: Scheduled<Void>?

    init(machine: UpstreamLoginStateMachine, tls: UpstreamTLS?, timeoutSeconds: Int, loggedIn: EventLoopPromise<UpstreamSession>) {
        self.machine = machine
        self.tls = tls
        self.timeoutSeconds = timeoutSeconds
        self.loggedIn = loggedIn
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // A server that accepts TCP and then never answers (stopped, overloaded) must not hold
        // the client's login forever.
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: .seconds(Int64(timeoutSeconds))) {
            let (handler, context) = loopBound.value
            handler.fail(UpstreamLoginError("the upstream server did not complete the login within \(handler.timeoutSeconds) s"), context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        if tls != nil {
            phase = .awaitingTLSAnswer
            send(.sslRequest, context: context)
        } else {
            send(machine.startupPacket, context: context)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if phase == .done { context.fireChannelRead(data); return }
        buffer.writeBuffer(&bytes)
        do {
            try process(context: context)
        } catch {
            fail(error, context: context)
        }
    }

    private func process(context: ChannelHandlerContext) throws {
        if phase == .awaitingTLSAnswer {
            guard let answer: UInt8 = buffer.readInteger() else { return }
            guard answer == UInt8(ascii: "S"), let tls else {
                throw UpstreamLoginError("the upstream server does not accept TLS connections, but the connection's sslmode requires TLS")
            }
            guard buffer.readableBytes == 0 else { throw UpstreamLoginError("upstream sent unexpected data before the TLS handshake") }
            let handler = try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
            try context.pipeline.syncOperations.addHandler(handler, position: .first)
            phase = .loggingIn
            send(machine.startupPacket, context: context)
            return
        }
        while phase == .loggingIn, let frame = try PostgresFrameDecoder.decodeFrame(from: &buffer, maxMessageBytes: 1 << 20) {
            switch try machine.receive(frame) {
            case .send(let reply):
                var out = context.channel.allocator.buffer(capacity: reply.body.readableBytes + 5)
                reply.write(into: &out)
                context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            case .wait:
                continue
            case .loggedIn(let session):
                phase = .done
                deadline?.cancel()
                loggedIn.succeed(session)
                if buffer.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffer)) }
                buffer = ByteBuffer()
            }
        }
    }

    private func send(_ packet: StartupPacket, context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: 64)
        packet.encode(into: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if phase == .done { context.fireErrorCaught(error); return }
        fail(error, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        if phase != .done {
            loggedIn.fail(UpstreamLoginError("the upstream server closed the connection during login"))
            phase = .done
        }
        context.fireChannelInactive()
    }

    private func fail(_ error: Error, context: ChannelHandlerContext) {
        guard phase != .done else { return }
        phase = .done
        if let error = error as? UpstreamLoginError {
            loggedIn.fail(error)
        } else if let error = error as? NIOSSLError {
            loggedIn.fail(UpstreamLoginError("TLS handshake with the upstream server failed: \(error)"))
        } else {
            loggedIn.fail(UpstreamLoginError("upstream login failed: \(error)"))
        }
        context.close(promise: nil)
    }
}
