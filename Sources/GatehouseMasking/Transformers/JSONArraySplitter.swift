/// Cuts a document that is one large array into runs of whole elements, so that each run can be
/// masked on its own core (`JSONMasker.parallelism`). One pass tracking strings and nesting finds
/// the commas between top-level elements; nothing is validated here (the passes over the runs
/// validate every element, and the cut points are the only bytes between them).
struct JSONArraySplitter {
    /// Elements `firstIndex...` of the array, between the brackets or commas around `range`
    /// (whitespace included).
    struct Run: Equatable {
        var range: Range<Int>
        var firstIndex: Int
    }

    /// At most `parts` runs of about equal size, or nil when the document is not an array of at
    /// least two elements whose brackets close at its end (the caller masks it in one pass, which
    /// reports what is wrong with it, if anything).
    static func runs(in b: UnsafeRawBufferPointer, parts: Int) -> [Run]? {
        var i = 0
        let n = b.count
        while i < n && isSpace(b[i]) { i += 1 }
        guard i < n, b[i] == UInt8(ascii: "["), parts > 1 else { return nil }
        var runs: [Run] = []
        var start = i + 1
        var firstIndex = 0
        var index = 0
        var depth = 1
        var target = start + (n - start) / parts
        i += 1
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                // Skip the string: an escape never ends it.
                i += 1
                while i < n && b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
            } else if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                depth += 1
            } else if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { break }
            } else if c == UInt8(ascii: ","), depth == 1 {
                index += 1
                if i >= target && runs.count < parts - 1 {
                    runs.append(Run(range: start..<i, firstIndex: firstIndex))
                    start = i + 1
                    firstIndex = index
                    target = i + (n - i) / (parts - runs.count)
                }
            }
            i += 1
        }
        // The bytes between runs are copied as they are: the last must be the array's `]`.
        guard depth == 0, i < n, b[i] == UInt8(ascii: "]"), !runs.isEmpty else { return nil }
        runs.append(Run(range: start..<i, firstIndex: firstIndex))
        var end = i + 1
        while end < n && isSpace(b[end]) { end += 1 }
        return end == n ? runs : nil
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
}
