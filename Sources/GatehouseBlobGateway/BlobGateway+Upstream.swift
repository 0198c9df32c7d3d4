import Foundation
import GatehouseBlob
import GatehouseHTTPProxy
import Hummingbird
import HTTPTypes
import NIOCore

/// Requests to the storage account: the client's Blob headers (never its credentials), a fresh
/// `x-ms-date`, and the connection's credential: a Shared Key signature over exactly what is
/// sent, an Entra ID token, or the SAS appended to the query.
extension BlobGateway {
    /// Client headers the service reads besides `x-ms-*`.
    static let forwardedHeaders: Set<String> = [
        "content-type", "content-md5", "content-encoding", "content-language", "content-disposition", "cache-control",
        "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "range",
    ]
    /// The service version asked for when the client names none.
    static let defaultServiceVersion = "2025-01-05"

    /// The upstream path: the client's raw path below `/blob/<connection>`.
    static func upstreamPath(_ call: Call, _ request: Request) -> String {
        let prefix = BlobRequest.prefix + call.connection.name
        let rest = request.uri.path.dropFirst(prefix.count)
        return rest.isEmpty ? "/" : String(rest)
    }

    /// Sends a request upstream under the connection's credential. `dropping` names client
    /// headers (lower-case) not to forward; `overriding` replaces or adds headers. With Entra ID,
    /// a 401 gets one retry with a fresh token when the body can be sent again.
    func sendUpstream(_ call: Call, _ request: Request, method: HTTPRequest.Method? = nil, query: String?? = nil,
                      body: ProxyRequest.Body = .none, contentLength: Int? = nil, dropping: Set<String> = [],
                      overriding: [(String, String)] = []) async throws -> UpstreamResponse {
        let first = try await sendUpstreamOnce(call, request, method: method, query: query, body: body, contentLength: contentLength,
                                               dropping: dropping, overriding: overriding, refreshToken: false)
        guard first.status.code == 401, case .entraID = call.connection.credential else { return first }
        if case .stream = body { return first }
        _ = try? await first.collectBody(upTo: 256 * 1024)
        return try await sendUpstreamOnce(call, request, method: method, query: query, body: body, contentLength: contentLength,
                                          dropping: dropping, overriding: overriding, refreshToken: true)
    }

    private func sendUpstreamOnce(_ call: Call, _ request: Request, method: HTTPRequest.Method?, query: String??,
                                  body: ProxyRequest.Body, contentLength: Int?, dropping: Set<String>,
                                  overriding: [(String, String)], refreshToken: Bool) async throws -> UpstreamResponse {
        var headers = HTTPFields()
        var signed: [(name: String, value: String)] = []
        let overridden = Set(overriding.map { $0.0.lowercased() })
        for field in request.headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-ms-") || Self.forwardedHeaders.contains(name), name != "x-ms-date",
                  !dropping.contains(name), !overridden.contains(name) else { continue }
            headers.append(field)
            signed.append((name, field.value))
        }
        var extra = overriding
        extra.append(("x-ms-date", Self.httpDate(Date())))
        if request.headers[HTTPField.Name("x-ms-version")!] == nil && !overridden.contains("x-ms-version") {
            extra.append(("x-ms-version", Self.defaultServiceVersion))
        }
        for (name, value) in extra {
            guard let fieldName = HTTPField.Name(name) else { continue }
            headers.append(HTTPField(name: fieldName, value: value))
            signed.append((name.lowercased(), value))
        }
        let methodName = (method ?? request.method).rawValue
        let path = Self.upstreamPath(call, request)
        var upstreamQuery = query ?? request.uri.query
        var endpoint = call.connection.upstream
        switch call.connection.credential {
        case .sharedKey(let signer):
            // Signed over the path as sent: an emulator-style account URL (`http://host/account`) adds its base path.
            endpoint.credential = .header(name: "Authorization", value: signer.authorization(
                method: methodName, path: endpoint.basePath + path, query: upstreamQuery, headers: signed, contentLength: contentLength))
        case .entraID(let tokens):
            endpoint.credential = .bearer(try await tokens.token(refresh: refreshToken))
        case .sas(let signature):
            upstreamQuery = signature.appended(to: upstreamQuery)
        }
        let proxied = ProxyRequest(method: method ?? request.method, path: path, query: upstreamQuery, headers: headers, body: body)
        return try await forwarder.forward(proxied, to: endpoint, timeout: limits.upstreamTimeout)
    }

    /// RFC 1123 in GMT, as `x-ms-date` wants it.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// The upstream's answer headers for the client: `x-ms-meta-*` values through the detectors,
    /// checksums and lengths dropped when the body changes.
    func clientHeaders(_ upstream: HTTPFields, bodyChanged: Bool) -> HTTPFields {
        var headers = HTTPFields()
        let checksums: Set<String> = ["content-md5", "x-ms-blob-content-md5", "x-ms-content-crc64", "content-length", "content-range"]
        for field in upstream {
            let name = field.name.canonicalName
            if bodyChanged && checksums.contains(name) { continue }
            if name.hasPrefix("x-ms-meta-") {
                headers.append(HTTPField(name: field.name, value: engine.mask(field.value).text))
            } else {
                headers.append(field)
            }
        }
        return headers
    }

    /// An upstream error, relayed as the service's error: its code kept, its message through the
    /// detectors, and the authentication detail (which names the account and what was signed) left out.
    func relayedError(_ response: UpstreamResponse, _ call: Call) async -> Response {
        let body = (try? await response.collectBody(upTo: 256 * 1024)).map { String(buffer: $0) } ?? ""
        let code = response.headers[HTTPField.Name("x-ms-error-code")!] ?? Self.element("Code", in: body) ?? "UpstreamError"
        let message = Self.element("Message", in: body).map { $0.components(separatedBy: "\nRequestId:").first ?? $0 }
            ?? "the storage service answered \(response.status.code)"
        let error = BlobServiceError(status: response.status.code, code: code, message: engine.mask(message).text)
        var reply = Self.error(error, requestID: call.requestID)
        if response.status.code == 412 || response.status.code == 304 { reply.headers[.contentType] = "application/xml" }
        return reply
    }

    static func element(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex) else {
            return nil
        }
        return BlobListingMasker.unescaped(String(xml[start.upperBound..<end.lowerBound]))
    }

    /// A proxy failure (upstream unreachable, timeout...) as a service-style error.
    static func proxyFailure(_ error: Error, _ call: Call) -> Response {
        let status = (error as? ProxyError)?.status.code ?? 502
        return Self.error(BlobServiceError(status: status, code: "ServerBusy", message: "the storage account could not be reached: \(error)"),
                          requestID: call.requestID)
    }
}
