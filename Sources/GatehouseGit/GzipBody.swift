import CZlib

/// Git clients gzip larger upload-pack request bodies (`Content-Encoding: gzip`); the gateway
/// must read them to record what was asked for. It forwards the original bytes untouched.
public enum GzipBody {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The decompressed body, refusing more than `limit` bytes of output (a zip bomb is refused,
    /// not inflated).
    public static func decompress(_ compressed: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: expect a gzip header and trailer (RFC 1952).
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "cannot set up gzip decompression")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        compressed.withUnsafeBytes { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(clamping: input.count)
            while status == Z_OK {
                chunk.withUnsafeMutableBytes { out in
                    stream.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    stream.avail_out = UInt32(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: out.prefix(out.count - Int(stream.avail_out)))
                }
                if output.count > limit { return }
                if status == Z_BUF_ERROR, stream.avail_in == 0 { return }  // input ended early
            }
        }
        guard output.count <= limit else { throw Failure(description: "the gzip body inflates to more than \(limit) bytes") }
        guard status == Z_STREAM_END else { throw Failure(description: "the gzip body is malformed or truncated (zlib status \(status))") }
        return output
    }
}
