/// A list of terms to mask wherever they occur as whole words (names, customer IDs...).
/// Case-insensitive matching folds ASCII letters only; other characters must match exactly.
/// A word boundary is any byte that is not an ASCII letter or digit and not part of a
/// non-ASCII character.
public struct TermDictionary: Sendable {
    public let name: String
    public let caseInsensitive: Bool
    /// Terms as UTF-8 bytes (ASCII-lower-cased when case-insensitive), indexed by first byte.
    let termsByFirstByte: [[[UInt8]]]

    public init(name: String, terms: [String], caseInsensitive: Bool = true) {
        self.name = name
        self.caseInsensitive = caseInsensitive
        var index = [[[UInt8]]](repeating: [], count: 256)
        for term in terms where !term.isEmpty {
            let bytes = caseInsensitive ? term.utf8.map(ASCII.lower) : Array(term.utf8)
            index[Int(bytes[0])].append(bytes)
        }
        // Longest first, so the first hit at a position is the longest.
        self.termsByFirstByte = index.map { $0.sorted { $0.count > $1.count } }
    }

    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool { ASCII.isAlnum(c) || c >= 0x80 }

    func ranges(in b: UnsafeRawBufferPointer) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i < b.count {
            let first = caseInsensitive ? ASCII.lower(b[i]) : b[i]
            let candidates = termsByFirstByte[Int(first)]
            if !candidates.isEmpty && !Self.isWordByte(b.byte(i - 1)) {
                if let term = candidates.first(where: { matches($0, b, at: i) }) {
                    found.append(i..<(i + term.count))
                    i += term.count
                    continue
                }
            }
            i += 1
        }
        return found
    }

    private func matches(_ term: [UInt8], _ b: UnsafeRawBufferPointer, at i: Int) -> Bool {
        guard i + term.count <= b.count else { return false }
        for (k, t) in term.enumerated() {
            let c = caseInsensitive ? ASCII.lower(b[i + k]) : b[i + k]
            if c != t { return false }
        }
        return !Self.isWordByte(b.byte(i + term.count))
    }
}
