import Foundation
import NIOCore
import NIOHTTP1

/// Closes the request-smuggling gap between Gatehouse and a front proxy that frames a request
/// differently (RFC 9112 §6.1, §11.2). A request framed by `Transfer-Encoding` is refused when
/// its framing is doubtful: on HTTP/1.0, together with `Content-Length`, with any coding but
/// `chunked`, or on a method that has no body here. Any other chunked request gets its response
/// and then the connection is closed, so bytes a proxy took for a next request after the body
/// (`Transfer-Encoding:<tab>chunked`, which a lax proxy ignores) are never parsed as one.
///
/// Sits right after NIO's request decoder, where the HTTP version is still known.
final class HTTPFramingGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private static let methodsWithBodies: [HTTPMethod] = [.POST, .PUT, .PATCH]
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        guard case .head(var head) = unwrapInboundIn(data), head.headers.contains(name: "transfer-encoding") else {
            context.fireChannelRead(data)
            return
        }
        if let problem = Self.problem(with: head) {
            refuse(problem, context: context)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    /// Why this chunked request's framing is doubtful; nil when it is plain `chunked`.
    static func problem(with head: HTTPRequestHead) -> String? {
        let codings = head.headers["transfer-encoding"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if head.version.major < 1 || (head.version.major == 1 && head.version.minor < 1) { return "Transfer-Encoding is not allowed in an HTTP/1.0 request" }
        if head.headers.contains(name: "content-length") { return "a request may not carry both Transfer-Encoding and Content-Length" }
        if codings != ["chunked"] { return "the only transfer coding accepted is 'chunked'" }
        if !methodsWithBodies.contains(head.method) { return "a \(head.method.rawValue) request has no body here" }
        return nil
    }

    private func refuse(_ problem: String, context: ChannelHandlerContext) {
        refused = true
        let body = context.channel.allocator.buffer(string: "gatehouse: refused: \(problem)\n")
        var headers = HTTPHeaders([("content-type", "text/plain; charset=utf-8"), ("connection", "close")])
        headers.add(name: "content-length", value: "\(body.readableBytes)")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}

/// Puts an `HTTPFramingGuard` behind the request decoder when Hummingbird builds a connection's
/// pipeline (it adds its own handlers after the HTTP/1 codecs, where the version is gone).
final class HTTPFramingGuardInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any

    func handlerAdded(context: ChannelHandlerContext) {
        let operations = context.pipeline.syncOperations
        do {
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(HTTPFramingGuard(), position: .after(decoder))
            operations.removeHandler(context: context, promise: nil)
        } catch {
            // Fail closed: a connection without the guard is not served.
            context.close(promise: nil)
        }
    }
}
