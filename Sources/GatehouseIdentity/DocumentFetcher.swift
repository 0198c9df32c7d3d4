import AsyncHTTPClient
import Foundation
import Logging

/// Fetches the issuer's discovery document and JWKS. A protocol so unit tests can count and
/// delay fetches; production uses ``HTTPDocumentFetcher``.
protocol DocumentFetcher: Sendable {
    /// The body of a successful (200) GET; throws with a client-safe description otherwise.
    func fetchDocument(from url: URL) async throws -> [UInt8]
}

/// GETs documents with AsyncHTTPClient, bounded in time and size.
struct HTTPDocumentFetcher: DocumentFetcher {
    static let timeoutSeconds: Int64 = 5
    /// Real JWKS and discovery documents are a few KiB; this only stops a runaway response.
    static let maximumBytes = 1024 * 1024

    let client: HTTPClient
    let logger: Logger

    func fetchDocument(from url: URL) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/json")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(Self.timeoutSeconds), logger: logger)
        } catch {
            throw FetchFailure("GET \(url.absoluteString) failed: \(error)")
        }
        // The client may follow redirects; a hop to plain http off loopback would let a
        // network attacker substitute the keys, so every hop must pass the same policy.
        for hop in response.history {
            if case .failure(let refusal) = FetchURLPolicy.check(hop.request.url) {
                throw FetchFailure("GET \(url.absoluteString) was redirected: \(refusal)")
            }
        }
        guard response.status == .ok else {
            throw FetchFailure("GET \(url.absoluteString) returned HTTP \(response.status.code)")
        }
        do {
            let body = try await response.body.collect(upTo: Self.maximumBytes)
            return Array(body.readableBytesView)
        } catch {
            throw FetchFailure("GET \(url.absoluteString) returned an unreadable or larger than \(Self.maximumBytes)-byte body")
        }
    }
}

/// Documents this process serves itself (the dev issuer's), by exact URL; everything else from the network.
struct InProcessDocumentFetcher: DocumentFetcher {
    let documents: [String: [UInt8]]
    let network: any DocumentFetcher

    func fetchDocument(from url: URL) async throws -> [UInt8] {
        if let document = documents[url.absoluteString] { return document }
        return try await network.fetchDocument(from: url)
    }
}

struct FetchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
