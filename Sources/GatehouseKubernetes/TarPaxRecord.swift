/// One "%d %s=%s\n" record of a pax extended header.
struct PaxRecord: Sendable {
    var key: String
    var value: [UInt8]

    static func parse(_ body: [UInt8], header: Int) throws(TarStreamError) -> [PaxRecord] {
        var records: [PaxRecord] = []
        var start = 0
        while start < body.count {
            // Some writers pad the body with NULs; nothing else may follow the records.
            if body[start...].allSatisfy({ $0 == 0 }) { break }
            let (record, length) = try parseRecord(body, at: start, header: header)
            records.append(record)
            start += length
        }
        return records
    }

    private static func parseRecord(_ body: [UInt8], at start: Int, header: Int) throws(TarStreamError) -> (PaxRecord, Int) {
        func malformed(_ why: String) -> TarStreamError {
            TarStreamError("tar header \(header) has a malformed pax record at byte \(start): \(why)")
        }
        // The length counts the whole record: its own digits, the space, key=value and the newline.
        guard let space = body[start...].firstIndex(of: UInt8(ascii: " ")),
              let length = PaxNumber.unsigned(Array(body[start ..< space]))
        else { throw malformed("no decimal length followed by a space") }
        guard length > space - start + 1, length <= body.count - start else {
            throw malformed("length \(length) does not fit the \(body.count - start) bytes left")
        }
        let end = start + length
        guard body[end - 1] == UInt8(ascii: "\n") else {
            throw malformed("length \(length) does not end at a newline")
        }
        let keyValue = body[(space + 1) ..< (end - 1)]
        guard let equals = keyValue.firstIndex(of: UInt8(ascii: "=")), equals > keyValue.startIndex,
              let key = String(validating: keyValue[..<equals], as: UTF8.self)
        else { throw malformed("no key=value") }
        return (PaxRecord(key: key, value: Array(keyValue[(equals + 1)...])), length)
    }
}

/// Decimal numbers as pax writes them.
enum PaxNumber {
    static func unsigned(_ digits: [UInt8]) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// pax times may be negative and fractional ("-12.5"); the integer part is kept.
    static func seconds(_ text: [UInt8]) -> Int? {
        let negative = text.first == UInt8(ascii: "-")
        let unsignedPart = negative ? Array(text.dropFirst()) : text
        let dot = unsignedPart.firstIndex(of: UInt8(ascii: ".")) ?? unsignedPart.endIndex
        guard let whole = unsigned(Array(unsignedPart[..<dot])) else { return nil }
        let fraction = unsignedPart[dot...].dropFirst()
        if dot < unsignedPart.endIndex, fraction.isEmpty || unsigned(Array(fraction)) == nil { return nil }
        return negative ? -whole : whole
    }
}
