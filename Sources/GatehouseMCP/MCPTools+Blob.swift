import Foundation
import GatehouseApproval
import GatehouseCore
import GatehouseHTTPProxy
import HTTPTypes
import Hummingbird
import MCP
import NIOCore

/// A route handler of the gateway's own HTTP listener, called in the process (the Blob adapter's).
public typealias InProcessHTTPHandler = @Sendable (Request, InProcessRequestContext) async -> Response

extension MCPTools {
    /// What `blob_read` returns at most.
    static let blobReadLimit = 1 << 20

    /// Sends one Blob service request to the gateway's Blob adapter as the caller, with their
    /// token: it is authenticated, checked against the connection's operations, held, masked and
    /// recorded as the Azure SDK's would be. A hold is answered at once (`approval_status`).
    func blobRequest(_ path: String, headers extra: HTTPFields = [:], caller: MCPCaller, purpose: String?,
                     render: @escaping @Sendable (CollectedResponse) -> FinishedCall) async -> Answer {
        guard let blob else { return Answer(call: Self.failed("gatehouse: Azure Blob is not served by this gateway")) }
        var headers = extra
        headers[.authorization] = "Bearer \(caller.token)"
        headers[HTTPField.Name("x-ms-version")!] = "2025-01-05"
        if let purpose { headers[HTTPField.Name("Gatehouse-Purpose")!] = purpose.filter { !$0.isNewline } }
        let request = Request(head: HTTPRequest(method: .get, scheme: "https", authority: "gatehouse", path: path, headerFields: headers),
                              body: RequestBody(buffer: ByteBuffer()))
        let context = InProcessRequestContext(source: InProcessRequestSource(logger: logger))
        return await answerOrHold { held in
            let response = await HeldRequestObserver.$observe.withValue({ id, url in held(HeldNotice(requestID: id, approvalURL: url)) }) {
                await blob(request, context)
            }
            do {
                return render(try await CollectedResponse.collect(response, limit: Self.blobReadLimit))
            } catch {
                return Self.failed("gatehouse: the Blob answer could not be read: \(error)")
            }
        }
    }

    func blobList(_ connection: MCPConnection, container: String?, prefix: String?, caller: MCPCaller) async -> Answer {
        let path = BlobToolRequests.listPath(connection: connection.name, container: container, prefix: prefix, maxResults: settings.maxRows)
        return await blobRequest(path, caller: caller, purpose: nil) { response in
            if let failure = Self.blobFailure(response) { return failure }
            guard let listing = BlobToolRequests.listing(Data(buffer: response.body)) else {
                return Self.failed("gatehouse: the Blob listing could not be read")
            }
            var structured: [String: Value] = [:]
            if container == nil {
                structured["containers"] = .array(listing.containers.map(Value.string))
            } else {
                structured["blobs"] = .array(listing.blobs.map { blob in
                    .object(["name": .string(blob.name), "size": blob.size.map(Value.int) ?? .null,
                             "content_type": blob.contentType.map(Value.string) ?? .null])
                })
                structured["prefixes"] = .array(listing.prefixes.map(Value.string))
            }
            if let marker = listing.nextMarker {
                structured["notice"] = .string("Truncated: more entries than max_rows (\(self.settings.maxRows)); narrow the prefix.")
                structured["truncated"] = .bool(marker.isEmpty == false)
            }
            let count = container == nil ? listing.containers.count : listing.blobs.count + listing.prefixes.count
            return FinishedCall(result: QueryToolResult.success(.object(structured)), outcome: MCPActivity.Outcome.ok, rows: count,
                                truncated: listing.nextMarker != nil)
        }
    }

    func blobRead(_ connection: MCPConnection, container: String, blob name: String, purpose: String?, caller: MCPCaller) async -> Answer {
        let path = BlobToolRequests.blobPath(connection: connection.name, container: container, blob: name)
        let range: HTTPFields = [HTTPField.Name("x-ms-range")!: "bytes=0-\(Self.blobReadLimit - 1)"]
        return await blobRequest(path, headers: range, caller: caller, purpose: purpose) { response in
            if let failure = Self.blobFailure(response) { return failure }
            let bytes = response.body.readableBytes
            let total = response.headers[HTTPField.Name("Content-Range")!].flatMap { $0.split(separator: "/").last.flatMap { Int($0) } } ?? bytes
            var structured: [String: Value] = [
                "bytes": .int(bytes), "size": .int(total), "truncated": .bool(total > bytes),
                "content_type": response.headers[.contentType].map(Value.string) ?? .null,
            ]
            if let text = Self.utf8Text(response.body.readableBytesView, cutShort: total > bytes) {
                structured["content"] = .string(text)
            } else {
                structured["content"] = .null
                structured["notice"] = "The content is not UTF-8 text, so it is not returned."
            }
            if total > bytes { structured["notice"] = .string("Truncated: the first \(bytes) of \(total) bytes are returned.") }
            return FinishedCall(result: QueryToolResult.success(.object(structured)), outcome: MCPActivity.Outcome.ok, rows: bytes,
                                truncated: total > bytes)
        }
    }

    /// The bytes as UTF-8 text, or nil; a cut may have split the last character, which is dropped.
    static func utf8Text(_ bytes: ByteBufferView, cutShort: Bool) -> String? {
        for drop in 0...(cutShort ? 3 : 0) where drop <= bytes.count {
            if let text = String(validating: bytes.dropLast(drop), as: UTF8.self) { return text }
        }
        return nil
    }

    /// A non-2xx answer as the tool's error, with the service's code and message; a refused
    /// approval is its own outcome.
    static func blobFailure(_ response: CollectedResponse) -> FinishedCall? {
        guard !(200..<300).contains(response.status) else { return nil }
        let (code, message) = BlobToolRequests.error(Data(buffer: response.body))
        let text = "ERROR \(response.status) \(code ?? "error"): \(message ?? "the Blob service answered \(response.status)")"
        let denied = message.map { $0.contains("was denied") || $0.contains("was not decided") } ?? false
        return FinishedCall(result: QueryToolResult.failure(text), outcome: denied ? MCPActivity.Outcome.denied : MCPActivity.Outcome.error,
                            error: text)
    }
}
