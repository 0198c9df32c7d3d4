import Foundation
import GatehouseBlob
import GatehouseCore
import GatehouseHTTPProxy
import GatehouseMasking
import Hummingbird
import HTTPTypes
import NIOCore

/// Put Blob and Put Block. With `upload_scan: reject` the content is read whole and scanned with
/// the masking detectors before anything is forwarded: an upload adding identifiers is refused,
/// naming the kinds found. Each block is scanned as it arrives and its edges kept, so the block
/// list that commits it scans the seams between blocks (BlobGateway+BlockList.swift). The
/// service needs the exact length, so chunked uploads are refused.
extension BlobGateway {
    func upload(_ request: Request, _ call: Call) async -> Response {
        let metadata = await scanMetadata(request, call)
        if let refusal = metadata.refusal { return refusal }
        guard let length = request.headers[.contentLength].flatMap(Int.init) else {
            return Self.error(BlobServiceError(status: 411, code: "MissingContentLengthHeader",
                                               message: "Content-Length HTTP header is missing"), requestID: call.requestID)
        }
        guard call.connection.scanUploads else {
            if let refusal = await admit(call).refusal { return refusal }
            return await forwardUpload(request, call, body: length > 0 ? .stream(ProxyBodyStream(request.body), length: length) : .none,
                                       length: length)
        }
        guard length <= limits.scannedUploadBytes else {
            return await refuseUpload(call, "uploads are scanned for personal identifiers and this one is larger than the gateway scans "
                                       + "(\(limits.scannedUploadBytes) bytes): upload it in blocks")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: length)
        } catch {
            return Self.error(BlobServiceError(status: 400, code: "InvalidInput", message: "the upload could not be read: \(error)"),
                              requestID: call.requestID)
        }
        let content = Array(buffer: body)
        // Binary content (a NUL byte in the first 8000 bytes, git's own test) is not text the
        // detectors can read: not scanned, as a Git push's binary files are not (docs/blob.md).
        let binary = content.prefix(8000).contains(0)
        let findings = binary ? "" : Self.findings(engine.detectors.detect(in: content))
        if !findings.isEmpty && !call.connection.scanHolds {
            return await refuseUpload(call, "the upload adds personal identifiers (\(findings)); upload_scan is reject on connection "
                                       + call.connection.name)
        }
        // Under `upload_scan: hold`, what the scan found holds the upload for an approver.
        let extraReasons = metadata.reasons + (findings.isEmpty ? [] : ["the upload adds personal identifiers (\(findings))"])
        if let refusal = await admit(call, extraReasons: extraReasons).refusal { return refusal }
        let reply = await forwardUpload(request, call, body: body.readableBytes > 0 ? .buffer(body) : .none, length: body.readableBytes)
        if call.request.operation == .putBlock, reply.status.code == 201, let key = blockKey(call, call.request.blockID) {
            await uploadedBlocks.store(BlockSeams.Edges(of: content, binary: binary), for: key)
        }
        return reply
    }

    /// Metadata (`x-ms-meta-*`) and tags set by a write are scanned like content: personal data
    /// must not ride into the account in a header either. Under `reject` such a write is refused
    /// here; under `hold` the returned reasons hold it for an approver.
    func scanMetadata(_ request: Request, _ call: Call) async -> (reasons: [String], refusal: Response?) {
        guard call.connection.scanUploads, call.request.operation.isWrite else { return ([], nil) }
        var detections: [Detection] = []
        for field in request.headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-ms-meta-") || name == "x-ms-tags" else { continue }
            detections += engine.detectors.detect(in: Array(field.value.utf8))
        }
        let findings = Self.findings(detections)
        guard !findings.isEmpty else { return ([], nil) }
        if call.connection.scanHolds { return (["the metadata adds personal identifiers (\(findings))"], nil) }
        return ([], await refuseUpload(call, "the metadata adds personal identifiers (\(findings)); upload_scan is reject on connection "
                                       + call.connection.name))
    }

    func forwardUpload(_ request: Request, _ call: Call, body: ProxyRequest.Body, length: Int) async -> Response {
        do {
            let response = try await sendUpstream(call, request, body: body, contentLength: length)
            return await relay(response, call)
        } catch {
            return Self.proxyFailure(error, call)
        }
    }

    func refuseUpload(_ call: Call, _ reason: String) async -> Response {
        guard await record(requestActivity(call, decision: BlobActivity.Decision.refused, reason: reason), call) else {
            return Self.error(Self.notRecorded, requestID: call.requestID)
        }
        return Self.error(.operationNotAllowed(reason), requestID: call.requestID)
    }

    /// "email ×2, phone" from detections.
    static func findings(_ detections: [Detection]) -> String {
        var counts: [String: Int] = [:]
        for detection in detections { counts[detection.name, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { $0.value > 1 ? "\($0.key) ×\($0.value)" : $0.key }.joined(separator: ", ")
    }
}
