/// Finds the next byte that can start (or anchor) an identifier: an ASCII digit, `:` or `@`.
/// Everything else (letters, spaces, punctuation, non-ASCII text) is skipped 32 bytes at a time
/// with vector compares, so text without candidates costs about a memory scan.
enum TriggerScanner {
    @inline(__always) static func isTrigger(_ c: UInt8) -> Bool { c &- 0x30 < 11 || c == ASCII.at }

    static func next(in b: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        let n = b.count
        let digitBase = SIMD16<UInt8>(repeating: 0x30)
        let digitSpan = SIMD16<UInt8>(repeating: 11)      // '0'...'9' and ':'
        let atSign = SIMD16<UInt8>(repeating: ASCII.at)
        while i + 32 <= n {
            let low = b.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let high = b.loadUnaligned(fromByteOffset: i + 16, as: SIMD16<UInt8>.self)
            let hits = ((low &- digitBase) .< digitSpan) .| (low .== atSign)
                .| ((high &- digitBase) .< digitSpan) .| (high .== atSign)
            if any(hits) { break }
            i += 32
        }
        while i < n {
            if isTrigger(b[i]) { return i }
            i += 1
        }
        return n
    }
}
