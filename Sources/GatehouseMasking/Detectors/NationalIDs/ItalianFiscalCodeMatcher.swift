/// Italian codice fiscale: 16 characters, `RSSMRA85T10A562S`: six letters (surname, name), the
/// year, a month letter (A B C D E H L M P R S T), the day (41–71 for women), the municipality
/// (a letter and three digits) and a check letter. Where two people would share a code, digits
/// are replaced by the letters L M N P Q R S T U V ("omocodia"). The check letter is the sum of
/// the odd positions' values from the official table and the even positions' plain values, mod 26.
/// Upper or lower case; found from any of its digits.
enum ItalianFiscalCodeMatcher {
    static let monthLetters: [UInt8] = Array("ABCDEHLMPRST".utf8)
    static let omocodiaLetters: [UInt8] = Array("LMNPQRSTUV".utf8)
    /// Values of 0–9 and A–Z in odd positions (1st, 3rd, ...).
    static let oddValues = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    /// Positions (0-based) that hold digits, or their omocodia letters.
    static let digitPositions: Set<Int> = [6, 7, 9, 10, 12, 13, 14]

    static func match(_ b: UnsafeRawBufferPointer, at p: Int, floor: Int) -> Range<Int>? {
        // A digit of a codice fiscale always follows a letter: a cheap test for every number in the text.
        guard ASCII.isLetter(b.byte(p - 1)) else { return nil }
        let token = b.alnumToken(around: p, floor: floor, limit: 16)
        guard token.count == 16, !ASCII.isAlnum(b.byte(token.upperBound)), token.lowerBound == floor || !ASCII.isAlnum(b.byte(token.lowerBound - 1))
        else { return nil }
        let c = token.map { ASCII.upper(b[$0]) }
        for (index, ch) in c.enumerated() {
            if digitPositions.contains(index) {
                guard ASCII.isDigit(ch) || omocodiaLetters.contains(ch) else { return nil }
            } else {
                guard ASCII.isUpper(ch) else { return nil }
            }
        }
        guard monthLetters.contains(c[8]) else { return nil }
        let day = digitValue(c[9]) * 10 + digitValue(c[10])
        guard (1...31).contains(day) || (41...71).contains(day) else { return nil }
        var sum = 0
        for index in 0..<15 {
            let value = ASCII.isDigit(c[index]) ? ASCII.digitValue(c[index]) : Int(c[index] - 0x41)
            sum += index % 2 == 0 ? oddValues[value] : value
        }
        return Int(c[15] - 0x41) == sum % 26 ? token : nil
    }

    /// A digit position's value: the digit, or the digit its omocodia letter stands for.
    static func digitValue(_ c: UInt8) -> Int {
        ASCII.isDigit(c) ? ASCII.digitValue(c) : omocodiaLetters.firstIndex(of: c) ?? 0
    }
}
