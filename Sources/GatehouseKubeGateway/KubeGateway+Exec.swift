import Crypto
import Foundation
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseKubernetes
import GatehouseMasking
import GatehousePolicy
import Hummingbird
import HummingbirdWebSocket
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1

/// `kubectl exec` over WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`): the upgrade is
/// accepted only for an authenticated caller in an allowed group; the connection's rules then
/// decide, and a refusal ends the session with a `Status` on the error channel, which kubectl
/// prints (no SPDY fallback, no second error). An allowed session is recorded, relayed to the API
/// server over a WebSocket of the gateway's own, and what the pod writes on stdout and stderr is
/// masked on the way.
extension KubeGateway {
    public typealias ExecHandler = WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>

    /// The paths whose WebSocket upgrades `shouldUpgrade` decides: exec under a connection. Any
    /// other upgrade request (SPDY, attach, port-forward) is answered by the routes with a Status.
    public static func isExecPath(_ path: String) -> Bool {
        path.hasPrefix(KubeRequest.prefix) && path.hasSuffix("/exec")
    }

    /// Decides an exec WebSocket upgrade on the HTTP listener. When the client offers a channel
    /// protocol Gatehouse speaks, the upgrade is always accepted and a refusal (unknown
    /// connection, no or bad token, group, the connection's rules) is the session's Status on the
    /// error channel: kubectl prints it, where a refused upgrade would make it fall back to SPDY
    /// and print a second, confusing error. Nothing is forwarded for a refused session.
    public func shouldUpgrade(_ head: HTTPRequest, channel: any Channel, logger: Logger) async -> ShouldUpgradeResult<ExecHandler> {
        guard let target = head.path, let subprotocol = ExecChannel.negotiate(offered: head.headerFields[.secWebSocketProtocol])
        else { return .dontUpgrade }
        let path = String(target.prefix { $0 != "?" })
        let query = target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) }
        let gateway = self
        let refuse: (KubeStatus) -> ShouldUpgradeResult<ExecHandler> = { status in
            .upgrade([.secWebSocketProtocol: subprotocol]) { _, outbound, _ in await gateway.end(outbound, with: status) }
        }
        let caller: (connection: Connection, principal: Principal)
        switch await authorize(path: path, authorization: head.headerFields[.authorization],
                               clientAddress: channel.remoteAddress?.ipAddress, logger: logger) {
        case .success(let authorized): caller = authorized
        case .failure(let status): return refuse(status)
        }
        let request: KubeRequest
        do {
            request = try KubeRequest(method: head.method.rawValue, path: path, query: query)
        } catch let refusal as KubeRequest.Refusal {
            return refuse(KubeStatus(refusal))
        } catch {
            return refuse(.badRequest("\(error)"))
        }
        guard request.operation == .exec else { return refuse(.badRequest("only exec is relayed over a WebSocket")) }
        var session = Call(request: request, connection: caller.connection, principal: caller.principal, logger: logger)
        session.purpose = Purpose.fromHeader(head.headerFields[Self.purposeHeader])
        let call = session
        return .upgrade([.secWebSocketProtocol: subprotocol]) { inbound, outbound, _ in
            await gateway.exec(call, subprotocol: subprotocol, inbound: inbound, outbound: outbound)
        }
    }

    /// One exec session, from the decision to the exit status.
    func exec(_ call: Call, subprotocol: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let options = call.request.exec!
        // A held session is told at once, on its stderr, which request holds it and where it is decided.
        let notice: @Sendable (String) async -> Void = { text in
            try? await outbound.write(.binary(ByteBuffer(bytes: ExecMessage(channel: .stderr, payload: Array(text.utf8)).bytes)))
        }
        if let refusal = await admit(call, announce: notice) {
            await end(outbound, with: refusal)
            return
        }
        var headers = HTTPHeaders([("Sec-WebSocket-Protocol", subprotocol)])
        if let token = call.connection.token {
            do {
                headers.add(name: "Authorization", value: "Bearer " + (try token()))
            } catch {
                await finishSession(call, outbound, failure: .unavailable("the gateway's credential for the cluster cannot be read: \(error)"))
                return
            }
        }
        let upstream = call.connection.upstream
        let target = upstream.basePath + call.request.upstreamPath + (call.request.query.map { "?" + $0 } ?? "")
        var streamEvent = KubeActivity(phase: KubeActivity.Phase.stream, operation: call.request.operation.rawValue,
                                       path: call.request.upstreamPath, namespace: call.request.namespace, pod: call.request.pod,
                                       container: options.container)
        streamEvent.tty = options.tty
        let gateway = self
        let relay = ExecRelay(engine: engine, tty: options.tty, copy: options.copyDirection,
                              canCloseStdin: subprotocol == ExecChannel.v5, streamEvent: streamEvent) { event in
            try await gateway.recorder.record([GatehouseEvent(sessionID: call.sessionID, connection: call.connection.name,
                                                              principal: call.principal, payload: .kubernetes(event))])
        }
        do {
            try await UpstreamWebSocket.connect(to: upstream, target: target, headers: headers,
                                                tls: upstream.scheme == "https" ? call.connection.tls : nil, logger: call.logger) {
                upstreamInbound, upstreamOutbound, _ in
                try await relay.run(client: (inbound, outbound), upstream: (upstreamInbound, upstreamOutbound))
            }
        } catch {
            // The API server may hang up without a TLS close once it has sent the exit status.
            if !(relay.upstreamEnded || relay.statusSent || relay.binaryOutput || relay.copyRefusal != nil || relay.recordingFailure != nil) {
                await finishSession(call, outbound, relay: relay, failure: .unavailable("the API server's exec could not be reached: \(error)"))
                return
            }
        }
        if let failure = relay.recordingFailure {
            call.logger.error("exec stream not recorded; ending the session", metadata: ["error": "\(failure)"])
            await finishSession(call, outbound, relay: relay, failure: .unavailable(
                "Gatehouse could not record the session, so it was ended: nothing unrecorded is forwarded"))
            return
        }
        if let refusal = relay.copyRefusal {
            await finishSession(call, outbound, relay: relay, failure: .forbidden(refusal))
            return
        }
        if relay.binaryOutput {
            await finishSession(call, outbound, relay: relay, failure: .forbidden(
                "the command wrote binary output, which Gatehouse cannot mask: the session was ended (kubectl cp copies text files "
                + "out of a pod, masked)"))
            return
        }
        await finishSession(call, outbound, relay: relay, failure: relay.exitCode == nil && !relay.statusSent
                            ? .unavailable("the exec session ended without an exit status from the API server") : nil)
    }

    /// The session's response event, then its end for the client (with `failure` on the error channel).
    func finishSession(_ call: Call, _ outbound: WebSocketOutboundWriter, relay: ExecRelay? = nil, failure: KubeStatus? = nil) async {
        var activity = responseActivity(call, status: failure?.code ?? 101, fromUpstream: relay?.bytesFromUpstream,
                                        toClient: relay?.bytesToClient ?? 0, sha256: relay?.sha256, hits: relay?.hits ?? [])
        activity.stdinBytes = relay?.stdinBytes
        activity.exitCode = relay?.exitCode
        activity.reason = failure?.message
        _ = await record(activity, call)
        if let failure { await end(outbound, with: failure) } else { try? await outbound.close(.normalClosure, reason: nil) }
    }

    /// Ends a session with a Status on the error channel (kubectl prints its message).
    func end(_ outbound: WebSocketOutboundWriter, with status: KubeStatus) async {
        try? await outbound.write(.binary(ByteBuffer(bytes: ExecMessage.failure(status).bytes)))
        try? await outbound.close(.normalClosure, reason: nil)
    }
}
