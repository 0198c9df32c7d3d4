/// UK National Insurance number: two prefix letters, six digits and a suffix A–D, bare
/// (`QQ123456C`) or in pairs (`QQ 12 34 56 C`). The prefix letters are never D F I Q U V, the second
/// is never O, and BG GB KN NK NT TN ZZ are not allocated. Found from its first digit.
enum UKNationalInsuranceNumberMatcher {
    static let excludedLetters: [UInt8] = Array("DFIQUV".utf8)
    static let excludedPrefixes: [(UInt8, UInt8)] = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].map { (Array($0.utf8)[0], Array($0.utf8)[1]) }

    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        let run = b.digitRunEnd(from: p) - p
        guard run == 6 || (run == 2 && b.byte(p + 2) == ASCII.space) else { return nil }
        // The prefix: two letters right before the digits, or before a space.
        let prefixEnd = b.byte(p - 1) == ASCII.space ? p - 1 : p
        let start = prefixEnd - 2
        guard start >= floor, !ASCII.isAlnum(b.byte(start - 1)) else { return nil }
        let first = ASCII.upper(b.byte(start)), second = ASCII.upper(b.byte(start + 1))
        guard ASCII.isUpper(first), ASCII.isUpper(second), !excludedLetters.contains(first), !excludedLetters.contains(second),
              second != 0x4F, !excludedPrefixes.contains(where: { $0 == (first, second) }) else { return nil }
        let spaced = prefixEnd != p
        guard let (_, digitsEnd) = b.groupedDigits(at: p, groups: [2, 2, 2], separators: [ASCII.space], contiguousAllowed: !spaced)
        else { return nil }
        let separated = b.byte(digitsEnd) == ASCII.space
        guard separated == spaced || !spaced else { return nil }
        let suffixAt = separated ? digitsEnd + 1 : digitsEnd
        let suffix = ASCII.upper(b.byte(suffixAt))
        guard suffix >= 0x41, suffix <= 0x44, !ASCII.isAlnum(b.byte(suffixAt + 1)) else { return nil }
        return start..<(suffixAt + 1)
    }
}
