#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#endif

/// How much stack the calling thread has left, where the platform can tell.
enum CallerStack {
    static func remainingBytes() -> Int? {
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
        guard let lowest = lowestStackAddress() else { return nil }
        return here - lowest
    }

    #if canImport(Darwin)
        private static func lowestStackAddress() -> Int? {
            let thread = pthread_self()
            return Int(bitPattern: pthread_get_stackaddr_np(thread)) - pthread_get_stacksize_np(thread)
        }
    #elseif canImport(Glibc)
        private typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32

        /// glibc's `pthread_getattr_np` is a GNU extension the Glibc module does not declare,
        /// so it is looked up at run time.
        private static let getAttributes: GetAttributes? = {
            guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "pthread_getattr_np") else { return nil }
            return unsafeBitCast(symbol, to: GetAttributes.self)
        }()

        private static func lowestStackAddress() -> Int? {
            guard let getAttributes else { return nil }
            var attributes = pthread_attr_t()
            guard getAttributes(pthread_self(), &attributes) == 0 else { return nil }
            defer { pthread_attr_destroy(&attributes) }
            var lowest: UnsafeMutableRawPointer?
            var size = 0
            guard pthread_attr_getstack(&attributes, &lowest, &size) == 0, let lowest else { return nil }
            return Int(bitPattern: lowest)
        }
    #else
        private static func lowestStackAddress() -> Int? { nil }
    #endif
}
