import GatehouseHTTPProxy
import Hummingbird

/// The one transport rule for the HTTP listener: without TLS, only loopback clients may use the
/// paths that take a credential (the approvals API's bearer tokens, Git's token passwords, the web
/// UI's sign-in and session cookie), so none crosses a network in clear. The health checks, metrics and the
/// dev issuer's public documents stay open (the dev issuer's sign-in is loopback-only anyway).
struct CleartextTransportGuard<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/healthz" || path == "/readyz" || path == "/metrics" || path.hasPrefix(WebServer.devIssuerPath + "/") || ClientAddress.isLoopback(context) {
            return try await next(request, context)
        }
        return Response(status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string:
            "gatehouse: refusing credentials over a connection without TLS from a client that is not on this machine: "
            + "configure listeners.http.tls\n")))
    }
}
