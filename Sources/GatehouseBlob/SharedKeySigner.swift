import Crypto
import Foundation

/// Signs a request to the Blob service with the account key (Shared Key authorization, the
/// string-to-sign of service versions 2015-02-21 and later), so the gateway can send each
/// request upstream under its own credential. The agent never sees the key.
public struct SharedKeySigner: Sendable {
    public let accountName: String
    private let key: SymmetricKey

    /// The key as the portal shows it (base64); nil when it is not base64.
    public init?(accountName: String, base64Key: String) {
        guard let bytes = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)), !bytes.isEmpty else {
            return nil
        }
        self.accountName = accountName
        key = SymmetricKey(data: bytes)
    }

    /// The `Authorization` header value for a request. `path` is the raw (percent-encoded) path
    /// as sent upstream, starting with `/`; `query` the raw query; `headers` every header sent
    /// (names in any case) including `x-ms-date` and `x-ms-version`; `contentLength` the exact
    /// body length sent (0 or nil when there is none).
    public func authorization(method: String, path: String, query: String?, headers: [(name: String, value: String)],
                              contentLength: Int?) -> String {
        let toSign = stringToSign(method: method, path: path, query: query, headers: headers, contentLength: contentLength)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key)
        return "SharedKey \(accountName):\(Data(mac).base64EncodedString())"
    }

    func stringToSign(method: String, path: String, query: String?, headers: [(name: String, value: String)],
                      contentLength: Int?) -> String {
        func value(_ name: String) -> String {
            headers.filter { $0.name.lowercased() == name }.map(\.value).joined(separator: ",")
        }
        // Content-Length is empty for 0 since version 2015-02-21.
        let length = contentLength.map { $0 == 0 ? "" : String($0) } ?? ""
        let standard = [
            method.uppercased(), value("content-encoding"), value("content-language"), length, value("content-md5"),
            value("content-type"), value("date"), value("if-modified-since"), value("if-match"), value("if-none-match"),
            value("if-unmodified-since"), value("range"),
        ]
        return standard.joined(separator: "\n") + "\n" + canonicalizedHeaders(headers) + canonicalizedResource(path: path, query: query)
    }

    /// Every `x-ms-` header once, lower-case name, value unfolded and trimmed, in the service's order.
    func canonicalizedHeaders(_ headers: [(name: String, value: String)]) -> String {
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            guard name.hasPrefix("x-ms-") else { continue }
            values[name, default: []].append(Self.unfolded(header.value))
        }
        return values.keys.sorted(by: StorageHeaderOrder.precedes)
            .map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
    }

    /// `/account/path`, then each query parameter: name lower-cased, values decoded, sorted and
    /// comma-joined, parameters sorted by name, each on its own line.
    func canonicalizedResource(path: String, query: String?) -> String {
        var resource = "/\(accountName)\(path.isEmpty ? "/" : path)"
        var parameters: [String: [String]] = [:]
        for pair in (query ?? "").split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = (String(parts[0]).removingPercentEncoding ?? String(parts[0])).lowercased()
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            parameters[name, default: []].append(value)
        }
        for name in parameters.keys.sorted() {
            resource += "\n\(name):\(parameters[name]!.sorted().joined(separator: ","))"
        }
        return resource
    }

    /// A line break (with the whitespace around it) becomes one space and the ends are trimmed;
    /// spaces inside a line stay as they are, as the service reads them.
    static func unfolded(_ value: String) -> String {
        value.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
