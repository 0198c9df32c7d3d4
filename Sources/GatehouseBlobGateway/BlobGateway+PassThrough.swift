import Crypto
import Foundation
import GatehouseBlob
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseMasking
import Hummingbird
import HTTPTypes
import NIOCore

extension BlobGateway {
    /// Container operations, block lists and deletes: recorded, signed, forwarded; the answer
    /// (headers only, or a small body) relayed with metadata masked.
    func passThrough(_ request: Request, _ call: Call) async -> Response {
        let metadata = await scanMetadata(request, call)
        if let refusal = metadata.refusal { return refusal }
        if let refusal = await admit(call, extraReasons: metadata.reasons).refusal { return refusal }
        do {
            let length = request.headers[.contentLength].flatMap { Int($0) }
            let body: ProxyRequest.Body = (length ?? 0) > 0 ? .stream(ProxyBodyStream(request.body), length: length) : .none
            let response = try await sendUpstream(call, request, body: body, contentLength: length)
            return await relay(response, call)
        } catch {
            return Self.proxyFailure(error, call)
        }
    }

    /// Relays an upstream answer whose body is not personal data (or is an error), recording what
    /// the client got.
    func relay(_ response: UpstreamResponse, _ call: Call) async -> Response {
        guard response.status.code < 300 || response.status.code == 304 else {
            _ = await record(responseActivity(call, status: response.status.code, fromUpstream: nil, toClient: 0, sha256: nil), call)
            return await relayedError(response, call)
        }
        let body = (try? await response.collectBody(upTo: limits.listingBytes)) ?? ByteBuffer()
        let bytes = Array(buffer: body)
        _ = await record(responseActivity(call, status: response.status.code, fromUpstream: bytes.count, toClient: bytes.count,
                                          sha256: Self.sha256(bytes)), call)
        return Response(status: response.status, headers: clientHeaders(response.headers, bodyChanged: false),
                        body: ResponseBody(byteBuffer: body))
    }

    /// Container and blob listings, read whole: names and metadata through the detectors, the
    /// account's endpoint replaced by the gateway's.
    func listing(_ request: Request, _ call: Call) async -> Response {
        guard await record(requestActivity(call, decision: BlobActivity.Decision.allowed), call) else {
            return Self.error(Self.notRecorded, requestID: call.requestID)
        }
        guard let query = markers.upstreamQuery(request.uri.query) else {
            return Self.error(BlobServiceError(status: 400, code: "InvalidQueryParameterValue",
                                               message: "the marker is not one this gateway handed out"), requestID: call.requestID)
        }
        let response: UpstreamResponse
        do {
            response = try await sendUpstream(call, request, query: query)
        } catch {
            return Self.proxyFailure(error, call)
        }
        guard response.status.code == 200 else { return await relay(response, call) }
        let body: ByteBuffer
        do {
            body = try await response.collectBody(upTo: limits.listingBytes)
        } catch {
            return Self.proxyFailure(error, call)
        }
        let upstreamBytes = body.readableBytes
        let xml = String(buffer: body)
        let endpoint = serviceEndpoint(request, connection: call.connection.name)
        let masked: (xml: String, hits: [SubjectHit])
        do {
            masked = try BlobListingMasker(engine: engine, serviceEndpoint: endpoint).mask(xml)
        } catch {
            // Not readable for masking: not handed out either.
            return Self.error(BlobServiceError(status: 502, code: "ServerBusy", message: "\(error)"), requestID: call.requestID)
        }
        let bytes = Array(markers.sealMarkers(in: masked.xml).utf8)
        _ = await record(responseActivity(call, status: 200, fromUpstream: upstreamBytes, toClient: bytes.count, sha256: Self.sha256(bytes),
                                          masked: masked.hits.count, subjects: Self.subjects(masked.hits)), call)
        var headers = clientHeaders(response.headers, bodyChanged: true)
        headers[.contentLength] = String(bytes.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The connection's account URL as the client reaches it, for `ServiceEndpoint`.
    func serviceEndpoint(_ request: Request, connection: String) -> String {
        let host = request.head.authority ?? "localhost"
        return "\(listenerScheme)://\(host)\(BlobRequest.prefix)\(connection)/"
    }

    static func sha256<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        hexString(SHA256.hash(data: bytes))
    }
}

extension BlobGateway {
    /// The digests recorded for what was masked (at most `SubjectReference.limitPerEvent`).
    static func subjects(_ hits: [SubjectHit]) -> [SubjectReference]? {
        hits.isEmpty ? nil : hits.prefix(SubjectReference.limitPerEvent).map { SubjectReference(kind: $0.kind.rawValue, digest: $0.digest) }
    }
}
