// Check-digit algorithms the validating matchers use. They read digits straight from the buffer
// (skipping separators) so validation allocates nothing.

enum CheckDigits {
    /// Luhn (mod 10) over the ASCII digits in `range`, separators ignored.
    static func luhnValid(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var sum = 0
        var double = false
        var i = range.upperBound - 1
        while i >= range.lowerBound {
            let c = b[i]
            if ASCII.isDigit(c) {
                var d = ASCII.digitValue(c)
                if double { d *= 2; if d > 9 { d -= 9 } }
                sum += d
                double.toggle()
            }
            i -= 1
        }
        return sum % 10 == 0
    }

    /// The Luhn check digit that makes `digits` (without it) valid.
    static func luhnCheckDigit(for digits: [Int]) -> Int {
        var sum = 0
        var double = true
        for d in digits.reversed() {
            var v = d
            if double { v *= 2; if v > 9 { v -= 9 } }
            sum += v
            double.toggle()
        }
        return (10 - sum % 10) % 10
    }

    /// ISO 13616 mod-97: the country code and check digits move to the end, letters count as
    /// 10...35, and the whole number must leave remainder 1. `chars` are upper-case alphanumerics.
    static func ibanValid(_ chars: [UInt8]) -> Bool {
        guard chars.count > 4 else { return false }
        var remainder = 0
        for c in chars[4...] + chars[..<4] {
            if ASCII.isDigit(c) {
                remainder = (remainder * 10 + ASCII.digitValue(c)) % 97
            } else {
                remainder = (remainder * 100 + Int(c - 0x41) + 10) % 97
            }
        }
        return remainder == 1
    }

    /// ISO 7064 MOD 11,10 check digit over `digits` (German Steuer-IdNr).
    static func iso7064Mod11_10(_ digits: ArraySlice<Int>) -> Int {
        var product = 10
        for d in digits {
            var sum = (d + product) % 10
            if sum == 0 { sum = 10 }
            product = (sum * 2) % 11
        }
        let check = 11 - product
        return check == 10 ? 0 : check
    }

    /// Dutch "elfproef" for a BSN: 9·d1 + 8·d2 + … + 2·d8 − d9 must be a multiple of 11 (and not 0).
    static func elfproefValid(_ digits: [Int]) -> Bool {
        guard digits.count == 9 else { return false }
        var sum = 0
        for (i, d) in digits.prefix(8).enumerated() { sum += (9 - i) * d }
        sum -= digits[8]
        return sum != 0 && sum % 11 == 0
    }

    /// The control letter of a Spanish DNI/NIE number: the number mod 23 indexes this table.
    static let dniLetters: [UInt8] = Array("TRWAGMYFPDXBNJZSQVHLCKE".utf8)

    static func dniLetter(for number: Int) -> UInt8 { dniLetters[number % 23] }
}
