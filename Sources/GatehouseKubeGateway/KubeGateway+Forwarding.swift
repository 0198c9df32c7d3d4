import Crypto
import Foundation
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseKubernetes
import GatehouseMasking
import Hummingbird
import HTTPTypes
import NIOCore

/// Requests to the API server under the gateway's credential, and what comes back: discovery
/// as it is, objects (pod lists, details, Status errors) through the JSON masker, logs through
/// the streaming masker. Only JSON is asked for: protobuf could not be masked.
extension KubeGateway {
    /// Client headers the API server reads. Never the client's credentials, and never
    /// `Impersonate-*`: the gateway's credential must not act as someone else.
    static let forwardedHeaders: Set<String> = ["accept", "user-agent", "content-type", "kubectl-command", "kubectl-session"]

    func forward(_ request: Request, _ call: Call) async -> Response {
        let endpoint: UpstreamEndpoint
        do {
            endpoint = try call.connection.credentialedUpstream()
        } catch {
            return await failed(call, .unavailable("the gateway's credential for the cluster cannot be read: \(error)"))
        }
        var headers = HTTPFields()
        for field in request.headers where Self.forwardedHeaders.contains(field.name.canonicalName) {
            headers.append(field.name == .accept ? HTTPField(name: .accept, value: Self.jsonOnly(field.value)) : field)
        }
        let proxied = ProxyRequest(method: request.method, path: call.request.upstreamPath, query: call.request.query, headers: headers)
        let upstream: UpstreamResponse
        do {
            upstream = try await call.connection.forwarder.forward(proxied, to: endpoint, timeout: limits.upstreamTimeout)
        } catch {
            let code = (error as? ProxyError)?.status.code ?? 502
            return await failed(call, KubeStatus(code: code, reason: code == 504 ? "Timeout" : "ServiceUnavailable",
                                                 message: "the API server could not be reached: \(error)"))
        }
        if call.request.operation == .discovery && upstream.status.code < 300 { return streamed(upstream, call) }
        if call.request.operation == .logs && upstream.status.code < 300 { return maskedLog(upstream, call) }
        return await maskedObject(upstream, call)
    }

    /// The Accept header without protobuf (which the masker cannot read); JSON when nothing is left.
    static func jsonOnly(_ accept: String) -> String {
        let kept = accept.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.contains("protobuf") }
        return kept.isEmpty ? "application/json" : kept.joined(separator: ", ")
    }

    /// A JSON answer (objects, lists, tables, Status errors), read whole and masked: every string
    /// through the detectors. Anything that is not JSON is withheld (fail closed).
    func maskedObject(_ upstream: UpstreamResponse, _ call: Call) async -> Response {
        let body: ByteBuffer
        do {
            body = try await upstream.collectBody(upTo: limits.objectBytes)
        } catch {
            return await failed(call, KubeStatus(code: 502, reason: "ServiceUnavailable", message: "the API server's answer could not be read: \(error)"))
        }
        let bytes = Array(buffer: body)
        let result: MaskResult
        do {
            result = bytes.isEmpty ? MaskResult(output: nil, hits: []) : try JSONMasker(engine: engine).mask(bytes)
        } catch {
            return await failed(call, KubeStatus(code: 502, reason: "ServiceUnavailable",
                                                 message: "the API server answered with something other than JSON, which Gatehouse cannot mask"))
        }
        let sent = result.output ?? bytes
        _ = await record(responseActivity(call, status: upstream.status.code, fromUpstream: bytes.count, toClient: sent.count,
                                          sha256: hexString(SHA256.hash(data: sent)), hits: result.hits), call)
        var headers = upstream.headers
        headers[.contentLength] = nil
        return Response(status: upstream.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: sent)))
    }

    /// A log, streamed (also followed) through the streaming masker: what a chunk ends in is
    /// held back until the next one unless the chunk ends a line, so `logs -f` shows each line as
    /// it comes and an identifier cut between chunks is still found.
    func maskedLog(_ upstream: UpstreamResponse, _ call: Call) -> Response {
        var headers = upstream.headers
        headers[.contentLength] = nil
        let gateway = self, engine = engine
        let body = ResponseBody { writer in
            var masker = StreamingTextMasker(engine: engine)
            var hasher = SHA256()
            var hits = SubjectHitCollector()
            var fromUpstream = 0, toClient = 0
            func send(_ chunk: MaskedChunk) async throws {
                hits.add(chunk.hits)
                guard !chunk.bytes.isEmpty else { return }
                hasher.update(data: chunk.bytes)
                toClient += chunk.bytes.count
                try await writer.write(ByteBuffer(bytes: chunk.bytes))
            }
            do {
                for try await buffer in upstream.body {
                    fromUpstream += buffer.readableBytes
                    let endsLine = buffer.readableBytesView.last == 0x0A
                    try await send(buffer.withUnsafeReadableBytes { masker.feed($0) })
                    if endsLine { try await send(masker.finish()) }
                }
                try await send(masker.finish())
                try await writer.finish(nil)
            } catch {
                _ = await gateway.record(gateway.responseActivity(call, status: upstream.status.code, fromUpstream: fromUpstream,
                                                                  toClient: toClient, sha256: nil, hits: hits.hits), call)
                throw error
            }
            _ = await gateway.record(gateway.responseActivity(call, status: upstream.status.code, fromUpstream: fromUpstream, toClient: toClient,
                                                              sha256: hexString(hasher.finalize()), hits: hits.hits), call)
        }
        return Response(status: upstream.status, headers: headers, body: body)
    }

    /// Discovery, streamed as it is (descriptions of the API, no objects), hashed on the way.
    func streamed(_ upstream: UpstreamResponse, _ call: Call) -> Response {
        let gateway = self, status = upstream.status.code
        return Response(status: upstream.status, headers: upstream.headers, body: upstream.hashedBody { count, sha256 in
            _ = await gateway.record(gateway.responseActivity(call, status: status, fromUpstream: count, toClient: count, sha256: sha256), call)
        })
    }

    /// A failure after the request event: its response event, then the Status.
    func failed(_ call: Call, _ status: KubeStatus) async -> Response {
        _ = await record(responseActivity(call, status: status.code, fromUpstream: nil, toClient: 0, sha256: nil), call)
        return Self.status(status)
    }
}
