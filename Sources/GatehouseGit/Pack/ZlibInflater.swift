import CZlib

/// Inflates one pack entry's zlib stream as its bytes arrive, and says how much input the
/// stream used: the pack does not record compressed lengths, so only zlib knows where an entry
/// ends and the next begins. One inflater serves a whole pack, reset between entries, because
/// setting zlib up per entry would dominate the cost of small objects.
final class ZlibInflater {
    enum Failure: Error, Equatable {
        case longerThanDeclared
        case zlib(code: Int32, message: String)
    }

    private var stream = z_stream()
    private var isInitialized = false
    private var output: [UInt8] = []
    private var produced = 0

    deinit { if isInitialized { inflateEnd(&stream) } }

    /// Output is bounded by `declaredSize` plus one byte of headroom, so an entry that lies
    /// about its size is caught without inflating more than that.
    func begin(declaredSize: Int) throws(Failure) {
        let status = isInitialized ? inflateReset(&stream) : inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .zlib(code: status, message: "cannot set up inflate") }
        isInitialized = true
        output = [UInt8](repeating: 0, count: declaredSize + 1)
        produced = 0
    }

    /// Returns how much of `input` the stream consumed and whether the stream has ended.
    /// Not ended means every byte was consumed and more are needed.
    func feed(_ input: UnsafeRawBufferPointer) throws(Failure) -> (consumed: Int, finished: Bool) {
        var result: Result<(Int, Bool), Failure> = .success((0, false))
        output.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(clamping: input.count)
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced
            stream.avail_out = UInt32(clamping: out.count - produced)
            let finished = run()
            produced = out.count - Int(stream.avail_out)
            result = finished.map { (input.count - Int(stream.avail_in), $0) }
        }
        return try result.get()
    }

    /// The inflated bytes of the stream that just finished.
    func takeOutput() -> [UInt8] {
        var bytes: [UInt8] = []
        swap(&bytes, &output)
        bytes.removeLast(bytes.count - produced)
        return bytes
    }

    private func run() -> Result<Bool, Failure> {
        while true {
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END: return .success(true)
            case Z_OK, Z_BUF_ERROR:
                if stream.avail_out == 0 { return .failure(.longerThanDeclared) }
                if stream.avail_in == 0 { return .success(false) }
                if status == Z_BUF_ERROR { return .failure(.zlib(code: status, message: "no progress")) }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                return .failure(.zlib(code: status, message: message))
            }
        }
    }
}
