/// Comparison of secrets (CSRF tokens, signatures, PKCE challenges) whose running time does not
/// depend on where the inputs first differ, so timing cannot reveal a secret byte by byte.
public enum ConstantTime {
    /// True when the byte sequences are equal; only the lengths may leak.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// The UTF-8 bytes of two strings, compared as above.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
