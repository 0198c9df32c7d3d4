import Hummingbird
import NIOCore

/// The gateway's own answer to an HTTP client, as plain text: `gatehouse: <message>`. Clients
/// such as git print a text/plain error body to the user (as `remote: …` lines).
public enum PlainTextResponse {
    public static func make(_ status: HTTPResponse.Status, _ message: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "gatehouse: \(message)\n")))
    }
}
