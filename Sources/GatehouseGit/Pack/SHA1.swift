import Crypto

/// Git's object and pack hash (SHA-1, as Git itself still uses by default), incremental.
/// A thin wrapper over swift-crypto's `Insecure.SHA1`: SHA-1 is used here only to name objects
/// and check pack trailers the way Git does, never as a security boundary.
public struct SHA1: Sendable {
    private var hasher = Insecure.SHA1()

    public init() {}

    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA1()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public mutating func update(_ bytes: some Collection<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            hasher.update(data: Array(bytes))
        }
    }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: buffer)
    }

    public mutating func finalize() -> [UInt8] {
        Array(hasher.finalize())
    }
}
