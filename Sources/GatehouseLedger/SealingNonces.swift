import Crypto
import Foundation

/// Fresh random AES-GCM nonces for sealing entries. `AES.GCM.Nonce()` asks the kernel for random
/// bytes twice on every call (8 at a time), two system calls for every recorded statement; here
/// the kernel's generator fills 4 KiB at a time (one call per 341 nonces). Each nonce is fresh
/// random bytes handed out once, so they are as random, and as unlikely to repeat, as before.
enum SealingNonces {
    static func next() -> AES.GCM.Nonce { pool.next() }

    private static let pool = Pool()

    private final class Pool: @unchecked Sendable {
        // `bytes` and `offset` are guarded by `lock`.
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        private var offset = 0
        private static let nonceSize = 12, poolSize = 4_092   // a whole number of nonces

        func next() -> AES.GCM.Nonce {
            let nonce = lock.withLock { () -> ArraySlice<UInt8> in
                if offset == bytes.count {
                    bytes = Self.randomBytes(count: Self.poolSize)
                    offset = 0
                }
                defer { offset += Self.nonceSize }
                return bytes[offset..<(offset + Self.nonceSize)]
            }
            // 12 bytes always make a valid GCM nonce.
            return try! AES.GCM.Nonce(data: nonce)
        }

        /// From the system's generator in one call (`SystemRandomNumberGenerator` makes one per 8
        /// bytes); glibc's `arc4random_buf` reads the kernel's `getrandom` and never fails.
        private static func randomBytes(count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            bytes.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
            return bytes
        }
    }
}
