import Crypto
import GatehouseCore
import Hummingbird

extension UpstreamResponse {
    /// The body streamed to the client unchanged, counted and hashed on the way; `finished` gets
    /// the byte count and the hex SHA-256 once the last byte has gone (for the response event).
    public func hashedBody(finished: @escaping @Sendable (_ bytes: Int, _ sha256: String) async -> Void) -> ResponseBody {
        let body = self.body
        return ResponseBody { writer in
            var hasher = SHA256()
            var count = 0
            for try await buffer in body {
                buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                count += buffer.readableBytes
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
            await finished(count, hexString(hasher.finalize()))
        }
    }
}
