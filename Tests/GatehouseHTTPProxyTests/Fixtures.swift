import AsyncHTTPClient
import Foundation
import GatehouseHTTPProxy
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// Loggers for test servers: Hummingbird logs cancellation at shutdown as an error.
let quietLogger: Logger = {
    var logger = Logger(label: "http-proxy-tests")
    logger.logLevel = .critical
    return logger
}()

/// FNV-1a over a byte stream, independent of how the stream is cut into chunks.
struct FNV1a: Sendable, Equatable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    private(set) var count = 0

    mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            var hash = value
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            value = hash
        }
        count += buffer.readableBytes
    }
}

/// A deterministic body of `chunks` × 64 KiB, produced on demand (never held whole): each chunk is
/// a fixed pseudo-random block stamped with its index, so reordered or dropped chunks change the hash.
struct PatternBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    static let chunkSize = 64 * 1024
    static let block: [UInt8] = {
        var state: UInt32 = 0x1234_5678
        return (0..<chunkSize).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }()

    let chunks: Int
    var length: Int { chunks * Self.chunkSize }

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunks: Int
        var index = 0
        mutating func next() async throws -> ByteBuffer? {
            guard index < chunks else { return nil }
            var buffer = ByteBuffer(bytes: PatternBody.block)
            buffer.setInteger(UInt64(index), at: 0)
            index += 1
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: chunks) }

    /// The hash of the whole body, computed by generating it again.
    func expectedHash() async throws -> FNV1a {
        var hash = FNV1a()
        for try await chunk in self { hash.update(chunk) }
        return hash
    }
}

/// The real upstream: reports what it received (`/echo/**`, `/upload`), streams a pattern
/// (`/download/:chunks`), or answers late (`/slow`).
enum Upstream {
    static func application() -> some ApplicationProtocol {
        let router = Router()
        router.on("/echo/**", method: .get, use: echo)
        router.on("/echo/**", method: .post, use: echo)
        router.post("/upload") { request, _ -> String in
            var hash = FNV1a()
            for try await chunk in request.body { hash.update(chunk) }
            return "\(hash.count) \(hash.value)"
        }
        router.get("/download/:chunks") { _, context -> Response in
            let body = PatternBody(chunks: try context.parameters.require("chunks", as: Int.self))
            var headers = HTTPFields()
            headers[.contentLength] = String(body.length)
            return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: body))
        }
        router.get("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(3))
            return "late"
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: quietLogger)
    }

    /// Answers with what it saw: "METHOD path?query", one "name: value" line per header, a blank
    /// line, then the body; and sets headers the proxy must keep (Set-Cookie) or drop (Proxy-Authenticate).
    @Sendable private static func echo(request: Request, context: BasicRequestContext) async throws -> Response {
        var text = "\(request.method) \(request.uri.path)"
        if let query = request.uri.query { text += "?\(query)" }
        text += "\n"
        // HTTP/1 `Host` arrives as the request's authority, not as a header field.
        if let authority = request.head.authority { text += "host: \(authority)\n" }
        for field in request.headers { text += "\(field.name.canonicalName): \(field.value)\n" }
        text += "\n"
        var body = ByteBuffer(string: text)
        var received = try await request.body.collect(upTo: 1 << 20)
        body.writeBuffer(&received)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain"
        headers[.setCookie] = "upstream-session=1"
        headers[.proxyAuthenticate] = "Basic realm=upstream"
        headers[.init("X-Upstream")!] = "yes"
        return Response(status: .created, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

/// The proxy under test: a Hummingbird app whose routes forward with `HTTPForwarder`.
/// `/proxy/**` streams to the upstream, `/buffered/**` buffers the body (limit 1 KiB),
/// `/short/**` has a 500 ms timeout, `/collect/**` and `/collect-small/**` read the upstream body
/// (up to 1 MiB and 64 bytes), `/down/**` points at a closed port, `/tls/**` speaks TLS to the plain-HTTP upstream (reported once the
/// client's 2 s connect timeout passes: AsyncHTTPClient retries refused connections until then).
func proxyApplication(upstreamPort: Int, forwarder: HTTPForwarder) throws -> some ApplicationProtocol {
    let upstream = try UpstreamEndpoint(url: "http://127.0.0.1:\(upstreamPort)", credential: .bearer("upstream-secret"))
    let down = try UpstreamEndpoint(url: "http://127.0.0.1:1/base")
    // TLS to a plain-HTTP server: the handshake fails for real.
    let notTLS = try UpstreamEndpoint(url: "https://127.0.0.1:\(upstreamPort)", credential: .bearer("upstream-secret"))
    let router = Router()
    func route(
        _ prefix: String, to endpoint: UpstreamEndpoint, timeout: Duration = .seconds(30), buffered: Bool = false,
        collectUpTo: Int? = nil
    ) {
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/\(prefix)/**", method: method) { request, _ -> Response in
                let path = String(request.uri.path.dropFirst(prefix.count + 1))
                do {
                    let proxied =
                        buffered
                        ? try await ProxyRequest.buffering(from: request, path: path, limit: 1024)
                        : ProxyRequest(streaming: request, path: path)
                    let upstream = try await forwarder.forward(proxied, to: endpoint, timeout: timeout)
                    guard let collectUpTo else { return upstream.response() }
                    let body = try await upstream.collectBody(upTo: collectUpTo)
                    return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "collected \(body.readableBytes) bytes")))
                } catch let error as ProxyError {
                    return error.response()
                }
            }
        }
    }
    route("proxy", to: upstream)
    route("buffered", to: upstream, buffered: true)
    route("short", to: upstream, timeout: .milliseconds(500))
    route("collect", to: upstream, collectUpTo: 1 << 20)
    route("collect-small", to: upstream, collectUpTo: 64)
    route("down", to: down)
    route("tls", to: notTLS)
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: quietLogger)
}

/// Starts the upstream and the proxy (both live, on real sockets), and hands the test an
/// AsyncHTTPClient and the proxy's base URL.
func withProxy(_ body: @Sendable (HTTPClient, String) async throws -> Void) async throws {
    let proxyClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPForwarder.clientConfiguration(connectTimeout: .seconds(2)))
    let testClient = HTTPClient(eventLoopGroupProvider: .singleton)
    var failure: (any Error)?
    do {
        try await Upstream.application().test(.live) { upstream in
            let forwarder = HTTPForwarder(client: proxyClient, logger: quietLogger)
            try await proxyApplication(upstreamPort: upstream.port ?? 0, forwarder: forwarder).test(.live) { proxy in
                try await body(testClient, "http://127.0.0.1:\(proxy.port ?? 0)")
            }
        }
    } catch {
        failure = error
    }
    try await testClient.shutdown()
    try await proxyClient.shutdown()
    if let failure { throw failure }
}

extension HTTPClient {
    /// One request through the proxy; the response body read as text (up to 1 MiB).
    func send(
        _ url: String, post: Bool = false, headers: [(String, String)] = [], body: HTTPClientRequest.Body? = nil
    ) async throws -> (response: HTTPClientResponse, text: String) {
        var request = HTTPClientRequest(url: url)
        request.method = post ? .POST : .GET
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = body
        let response = try await execute(request, timeout: .seconds(300))
        return (response, try await response.text())
    }
}

extension HTTPClientResponse {
    func text() async throws -> String {
        String(buffer: try await body.collect(upTo: 1 << 20))
    }
}
