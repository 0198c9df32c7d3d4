/// French NIR (numéro de sécurité sociale): 13 characters and a 2-digit key, 15 in all, bare or
/// printed in groups 1 2 2 2 3 3 2 separated by spaces: sex (1, 2, or 3, 4, 7, 8 for provisional
/// numbers), year, month (01–12, or 20–42 and 50–99 when unknown), department (digits, or 2A/2B
/// for Corsica, counted as 19 and 18), commune, order, and key = 97 − (the 13-digit number mod 97).
enum FrenchNIRMatcher {
    static let groups = [1, 2, 2, 2, 3, 3, 2]

    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        // Cheap shape test first: this runs at every number in the text.
        let run = b.digitRunEnd(from: p) - p
        guard run == 15 || (run == 1 && b.byte(p + 1) == ASCII.space) || (run == 6 && (b.byte(p + 6) == 0x41 || b.byte(p + 6) == 0x42)),   // 2A, 2B
              !b.isGluedToToken(before: p), [1, 2, 3, 4, 7, 8].contains(ASCII.digitValue(b[p])) else { return nil }
        // The department may be 2A or 2B: read the characters, then map them to digits.
        var chars: [UInt8] = []
        var i = p
        var spaced: Bool?
        for (index, size) in groups.enumerated() {
            if index > 0 {
                let isSpace = b.byte(i) == ASCII.space
                if spaced == nil { spaced = isSpace } else if spaced != isSpace { return nil }
                if isSpace { i += 1 }
            }
            for k in 0..<size {
                let c = b.byte(i)
                let corsican = index == 3 && k == 1 && (c == 0x41 || c == 0x42) && chars.last == 0x32   // 2A, 2B
                guard ASCII.isDigit(c) || corsican else { return nil }
                chars.append(c)
                i += 1
            }
        }
        guard !b.continuesToken(after: i) else { return nil }
        let month = ASCII.digitValue(chars[3]) * 10 + ASCII.digitValue(chars[4])
        guard (1...12).contains(month) || (20...42).contains(month) || (50...99).contains(month) else { return nil }
        var number = 0
        for (index, c) in chars.prefix(13).enumerated() {
            if index == 6, c == 0x41 || c == 0x42 {
                // 2A → 19, 2B → 18: the department's two characters become that number.
                number = (number / 10) * 100 + (c == 0x41 ? 19 : 18)
            } else {
                number = number * 10 + ASCII.digitValue(c)
            }
        }
        let key = ASCII.digitValue(chars[13]) * 10 + ASCII.digitValue(chars[14])
        return 97 - number % 97 == key ? p..<i : nil
    }
}
