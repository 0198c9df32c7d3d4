import Crypto
import Foundation
import GatehouseBlob
import GatehouseCore
import GatehouseHTTPProxy
import Hummingbird
import HTTPTypes
import NIOCore

/// Get Blob and Get Blob Properties. A blob whose content is masked (classified, or text) is
/// read whole from the upstream, masked once per version (ETag) and every range the client
/// asks for is cut from the masked bytes, so lengths, `Content-Range` and checksums describe
/// what the client really gets and no identifier survives by straddling a range edge. Other
/// blobs stream through untouched.
extension BlobGateway {
    func read(_ request: Request, _ call: Call) async -> Response {
        let container = call.request.container!, blob = call.request.blob!
        let rule = call.connection.classification.rule(container: container, blob: blob)
        if let refusal = await admit(call).refusal { return refusal }
        if rule != nil || BlobDataRule.format(fromName: blob) != nil {
            return await maskedRead(request, call, rule: rule)
        }
        // Unclassified and not named as text: ask as the client asked, and look at what comes back.
        let response: UpstreamResponse
        do {
            response = try await sendUpstream(call, request)
        } catch {
            return Self.proxyFailure(error, call)
        }
        guard response.status.code < 300 else { return await relay(response, call) }
        if BlobContentMasker.needsMasking(rule: nil, blob: blob, contentType: response.headers[.contentType]) {
            // A text blob: its content gets the detectors, so it is read whole after all.
            _ = try? await response.collectBody(upTo: 0)
            return await maskedRead(request, call, rule: nil)
        }
        return streamed(response, call, head: request.method == .head)
    }

    /// An untouched blob, streamed, hashed and counted on the way; its response event is written
    /// when the last byte has gone.
    func streamed(_ response: UpstreamResponse, _ call: Call, head: Bool) -> Response {
        let headers = clientHeaders(response.headers, bodyChanged: false)
        let status = response.status
        if head {
            Task { _ = await record(responseActivity(call, status: status.code, fromUpstream: 0, toClient: 0, sha256: nil), call) }
            return Response(status: status, headers: headers)
        }
        let gateway = self
        let body = response.hashedBody { count, digest in
            _ = await gateway.record(gateway.responseActivity(call, status: status.code, fromUpstream: count, toClient: count, sha256: digest), call)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// The masked blob (whole, from the cache or the upstream), then the client's range of it.
    func maskedRead(_ request: Request, _ call: Call, rule: BlobDataRule?) async -> Response {
        let container = call.request.container!, blob = call.request.blob!
        // Whole and current: conditions as the client gave them, no range, no checksum of the original.
        let upstream: UpstreamResponse
        do {
            upstream = try await sendUpstream(call, request, method: .get, dropping: [
                "range", "x-ms-range", "x-ms-range-get-content-md5", "x-ms-range-get-content-crc64", "x-ms-structured-body",
            ])
        } catch {
            return Self.proxyFailure(error, call)
        }
        guard upstream.status.code < 300 else { return await relay(upstream, call) }
        if let declared = upstream.headers[.contentLength].flatMap(Int.init), declared > limits.maskedBlobBytes {
            _ = try? await upstream.collectBody(upTo: 0)
            return refuse(call, BlobServiceError(status: 403, code: "BlobTooLargeToMask", message:
                "'\(call.displayedBlob ?? "")' is masked before it is handed out and is larger than the gateway masks (\(limits.maskedBlobBytes) bytes)"))
        }
        let etag = upstream.headers[.eTag] ?? UUID().uuidString
        let key = MaskedBlobCache.Key(connection: call.connection.name, container: container, blob: blob, etag: etag)
        let entry: MaskedBlobCache.Entry
        do {
            let limit = limits.maskedBlobBytes, masker = BlobContentMasker(engine: engine)
            let contentType = upstream.headers[.contentType]
            entry = try await cache.entry(for: key) {
                let body = try await upstream.collectBody(upTo: limit)
                switch masker.mask(Array(buffer: body), blob: blob, rule: rule, contentType: contentType) {
                case .masked(let bytes, let hits, let distinct):
                    return .init(bytes: bytes, hits: hits, distinctSubjects: distinct, upstreamBytes: body.readableBytes)
                case .withheld(let reason): throw Withheld(reason: reason)
                }
            }
        } catch let withheld as Withheld {
            return refuse(call, BlobServiceError(status: 403, code: "BlobWithheld", message: engine.mask(withheld.reason).text))
        } catch {
            return Self.proxyFailure(error, call)
        }
        var headers = clientHeaders(upstream.headers, bodyChanged: true)
        headers[.acceptRanges] = "bytes"
        let slice: ArraySlice<UInt8>
        let status: HTTPResponse.Status
        switch ByteRange.resolve(request.headers[Self.msRange] ?? request.headers[.range], length: entry.bytes.count) {
        case .whole:
            slice = entry.bytes[...]
            status = .ok
        case .range(let range):
            slice = entry.bytes[range.first...range.last]
            status = .partialContent
            headers[.contentRange] = "bytes \(range.first)-\(range.last)/\(entry.bytes.count)"
        case .unsatisfiable:
            return refuse(call, BlobServiceError(status: 416, code: "InvalidRange", message: "The range specified is invalid for the current size of the resource."))
        case .invalid:
            return refuse(call, BlobServiceError(status: 400, code: "InvalidHeaderValue", message: "The value for one of the HTTP headers is not in the correct format (Range)."))
        }
        headers[.contentLength] = String(slice.count)
        if request.headers[HTTPField.Name("x-ms-range-get-content-md5")!]?.lowercased() == "true" {
            headers[HTTPField.Name("Content-MD5")!] = Data(Insecure.MD5.hash(data: slice)).base64EncodedString()
        }
        let sent = request.method == .head ? slice[slice.startIndex..<slice.startIndex] : slice
        _ = await record(responseActivity(call, status: status.code, fromUpstream: entry.upstreamBytes, toClient: sent.count,
                                          sha256: Self.sha256(sent), masked: entry.distinctSubjects, subjects: Self.subjects(entry.hits)), call)
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: sent)))
    }

    struct Withheld: Error {
        let reason: String
    }

    /// A refusal after the request event: its response event, then the service-style error.
    func refuse(_ call: Call, _ error: BlobServiceError) -> Response {
        Task { _ = await record(responseActivity(call, status: error.status, fromUpstream: nil, toClient: 0, sha256: nil), call) }
        return Self.error(error, requestID: call.requestID)
    }
}
