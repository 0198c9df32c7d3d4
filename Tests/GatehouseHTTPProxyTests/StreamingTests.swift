import AsyncHTTPClient
import Foundation
import GatehouseHTTPProxy
import NIOCore
import Testing

/// 16 MiB each way through the proxy, streamed (never collected), checked with FNV-1a on both sides.
@Suite struct StreamingTests {
    static let chunks = 256  // × 64 KiB = 16 MiB: enough to cross every buffer, light on a shared 2-core CI

    @Test func streamedUploadPassesIntact() async throws {
        let body = PatternBody(chunks: Self.chunks)
        let expected = try await body.expectedHash()
        try await withProxy { client, proxy in
            let started = ContinuousClock.now
            let (response, text) = try await client.send(
                "\(proxy)/proxy/upload", post: true, body: .stream(body, length: .known(Int64(body.length))))
            let elapsed = ContinuousClock.now - started
            #expect(response.status.code == 200)
            #expect(text == "\(expected.count) \(expected.value)")
            print("upload: \(megabytesPerSecond(body.length, elapsed))")
        }
    }

    @Test func streamedDownloadPassesIntact() async throws {
        let expected = try await PatternBody(chunks: Self.chunks).expectedHash()
        try await withProxy { client, proxy in
            let started = ContinuousClock.now
            let response = try await client.execute(HTTPClientRequest(url: "\(proxy)/proxy/download/\(Self.chunks)"), timeout: .seconds(300))
            var received = FNV1a()
            for try await chunk in response.body { received.update(chunk) }
            let elapsed = ContinuousClock.now - started
            #expect(response.status.code == 200)
            #expect(response.headers["Content-Length"] == [String(expected.count)])
            #expect(received == expected)
            print("download: \(megabytesPerSecond(expected.count, elapsed))")
        }
    }

    private func megabytesPerSecond(_ bytes: Int, _ elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return String(format: "%d MiB in %.2f s = %.1f MiB/s (debug build, hashing included)", bytes >> 20, seconds, Double(bytes) / 1_048_576 / seconds)
    }
}
