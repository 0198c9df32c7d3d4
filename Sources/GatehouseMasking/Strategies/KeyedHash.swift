import Crypto

/// HMAC-SHA256 (RFC 2104) with the key schedule done once: the inner and outer hash states after
/// absorbing `key ⊕ ipad` and `key ⊕ opad` are kept and copied per message. Gives the same MACs as
/// `HMAC<SHA256>` at roughly half the cost, which matters with one MAC per masked identifier.
struct KeyedHash: @unchecked Sendable {
    private var inner: SHA256
    private var outer: SHA256

    init(key: SymmetricKey) {
        var block = key.withUnsafeBytes { Array($0) }
        if block.count > 64 { block = Array(SHA256.hash(data: block)) }
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    /// A copy whose hash states are objects of its own (an empty update copies a shared state on
    /// write). Cores masking side by side each take one: every MAC retains the states, and one
    /// reference count written from two cores is a cache line passed back and forth.
    func unshared() -> KeyedHash {
        var copy = self
        let nothing = UnsafeRawBufferPointer(start: nil, count: 0)
        copy.inner.update(bufferPointer: nothing)
        copy.outer.update(bufferPointer: nothing)
        return copy
    }

    func mac(_ message: [UInt8]) -> [UInt8] {
        digest(message).withUnsafeBytes { Array($0) }
    }

    /// The MAC as a digest value: no array for callers that only read it.
    func digest(_ message: [UInt8]) -> SHA256.Digest {
        message.withUnsafeBytes { digest($0) }
    }

    func digest(_ message: UnsafeRawBufferPointer) -> SHA256.Digest {
        var inner = self.inner
        inner.update(bufferPointer: message)
        return finish(inner)
    }

    /// The MAC of an identifier's normalised form (`withNormalisedIdentifier`), which is fed to
    /// the hash where it is made: no copy of the hash states for a closure to hold.
    func digest(normalising value: UnsafeRawBufferPointer, kind: IdentifierKind) -> SHA256.Digest {
        var inner = self.inner
        withNormalisedIdentifier(value, kind: kind) { inner.update(bufferPointer: $0) }
        return finish(inner)
    }

    private func finish(_ inner: SHA256) -> SHA256.Digest {
        let innerDigest = inner.finalize()
        var outer = self.outer
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }
}
