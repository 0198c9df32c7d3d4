import Foundation
import Hummingbird

extension ProxyError {
    /// The response the client gets: `gatehouse: <description>` as plain text, or
    /// `{"error": "<description>"}` when the adapter's protocol speaks JSON.
    public func response(json: Bool = false) -> Response {
        guard json else { return PlainTextResponse.make(status, description) }
        let object = ["error": "gatehouse: \(description)", "status": String(status.code)]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
