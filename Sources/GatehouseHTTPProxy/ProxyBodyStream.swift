import NIOCore

/// Any async sequence of byte buffers, type-erased so `ProxyRequest` can hold it. Iterating pulls
/// from the wrapped sequence on demand, so backpressure passes straight through.
public struct ProxyBodyStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    private let makeNext: @Sendable () -> () async throws -> ByteBuffer?

    public init<Bytes: AsyncSequence & Sendable>(_ bytes: Bytes) where Bytes.Element == ByteBuffer {
        makeNext = {
            var iterator = bytes.makeAsyncIterator()
            return { try await iterator.next() }
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let nextBuffer: () async throws -> ByteBuffer?
        public mutating func next() async throws -> ByteBuffer? { try await nextBuffer() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(nextBuffer: makeNext()) }
}

extension AsyncSequence where Element == ByteBuffer {
    /// Reads the whole sequence into one buffer, throwing `tooLarge` as soon as it passes `limit` bytes.
    func collect(limit: Int, expected: Int? = nil, orThrow tooLarge: @autoclosure () -> ProxyError) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        // A large body is collected into room made once, not grown by doubling.
        if let expected, expected > 0 { collected.reserveCapacity(Swift.min(expected, limit)) }
        for try await chunk in self {
            guard collected.readableBytes + chunk.readableBytes <= limit else { throw tooLarge() }
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return collected
    }
}
