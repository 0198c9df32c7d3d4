import GatehouseBlob
import GatehouseHTTPProxy
import Hummingbird
import HTTPTypes
import NIOCore

/// Put Block List: the commit that turns scanned blocks into a blob. While uploads are scanned,
/// the seams between the listed blocks are scanned too (an identifier split across blocks is
/// caught), and a list naming a block this gateway did not scan is refused: it may hold anything.
extension BlobGateway {
    func commitBlockList(_ request: Request, _ call: Call) async -> Response {
        guard call.connection.scanUploads else { return await passThrough(request, call) }
        guard let length = request.headers[.contentLength].flatMap(Int.init) else {
            return Self.error(BlobServiceError(status: 411, code: "MissingContentLengthHeader",
                                               message: "Content-Length HTTP header is missing"), requestID: call.requestID)
        }
        guard length <= limits.blockListBytes else {
            return await refuseUpload(call, "the block list is larger than the gateway reads (\(limits.blockListBytes) bytes)")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: length)
        } catch {
            return Self.error(BlobServiceError(status: 400, code: "InvalidInput", message: "the block list could not be read: \(error)"),
                              requestID: call.requestID)
        }
        guard let listed = BlockSeams.listedBlocks(in: String(buffer: body)) else {
            return Self.error(BlobServiceError(status: 400, code: "InvalidXmlDocument",
                                               message: "the body is not a <BlockList> document"), requestID: call.requestID)
        }
        let keys = listed.compactMap { blockKey(call, $0.id) }
        let edges = await uploadedBlocks.edges(for: keys)
        if let unknown = edges.firstIndex(where: { $0 == nil }) {
            return await refuseUpload(call, "block \(unknown + 1) of the list (\(listed[unknown].list)) was not uploaded through this "
                                       + "gateway, so it was not scanned for personal identifiers: upload the blocks again through it")
        }
        let findings = Self.findings(BlockSeams.detections(across: edges.compactMap { $0 }, detectors: engine.detectors))
        if !findings.isEmpty && !call.connection.scanHolds {
            return await refuseUpload(call, "the blocks add personal identifiers where they join (\(findings)); upload_scan is reject "
                                       + "on connection " + call.connection.name)
        }
        let metadata = await scanMetadata(request, call)
        if let refusal = metadata.refusal { return refusal }
        let reasons = metadata.reasons + (findings.isEmpty ? [] : ["the blocks add personal identifiers where they join (\(findings))"])
        if let refusal = await admit(call, extraReasons: reasons).refusal { return refusal }
        return await forwardUpload(request, call, body: body.readableBytes > 0 ? .buffer(body) : .none, length: body.readableBytes)
    }

    func blockKey(_ call: Call, _ blockID: String?) -> UploadedBlockEdges.Key? {
        guard let container = call.request.container, let blob = call.request.blob, let blockID else { return nil }
        return UploadedBlockEdges.Key(connection: call.connection.name, container: container, blob: blob, blockID: blockID)
    }
}
