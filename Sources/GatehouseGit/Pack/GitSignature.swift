import Foundation

/// An author or committer line: `Name <email> <epoch seconds> <±hhmm>`.
public struct GitSignature: Sendable, Hashable {
    public let name: String
    public let email: String
    public let time: Date
    /// As written, e.g. `+0200`.
    public let timezone: String

    public init(name: String, email: String, time: Date, timezone: String) {
        self.name = name
        self.email = email
        self.time = time
        self.timezone = timezone
    }

    public init?(line: some StringProtocol) {
        self.init(bytes: Array(line.utf8)[...])
    }

    /// Git itself takes the email from the first `<` to the following `>`, the name before it.
    /// Works on bytes: commits are parsed by the thousand per push.
    init?(bytes line: ArraySlice<UInt8>) {
        guard let open = line.firstIndex(of: UInt8(ascii: "<")),
              let close = line[open...].firstIndex(of: UInt8(ascii: ">"))
        else { return nil }
        var nameEnd = open
        while nameEnd > line.startIndex, line[nameEnd - 1] == UInt8(ascii: " ") { nameEnd -= 1 }
        let fields = line[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count == 2, let seconds = Int64(String(decoding: fields[0], as: UTF8.self)) else { return nil }
        name = String(decoding: line[line.startIndex..<nameEnd], as: UTF8.self)
        email = String(decoding: line[(open + 1)..<close], as: UTF8.self)
        time = Date(timeIntervalSince1970: TimeInterval(seconds))
        timezone = String(decoding: fields[1], as: UTF8.self)
    }
}
