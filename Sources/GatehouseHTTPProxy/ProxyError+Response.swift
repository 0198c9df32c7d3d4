import Foundation
import Hummingbird

extension ProxyError {
    /// The response the client gets: `gatehouse: <description>` as plain text, or
    /// `{"error": "<description>"}` when the adapter's protocol speaks JSON.
    public func response(json: Bool = false) -> Response {
        var headers = HTTPFields()
        let body: ByteBuffer
        if json {
            let object = ["error": "gatehouse: \(description)", "status": String(status.code)]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            headers[.contentType] = "application/json; charset=utf-8"
            body = ByteBuffer(bytes: data)
        } else {
            headers[.contentType] = "text/plain; charset=utf-8"
            body = ByteBuffer(string: "gatehouse: \(description)\n")
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}
