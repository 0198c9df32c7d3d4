/// Whether a host name or address is loopback, the one rule for every place that relaxes a
/// check on loopback (plain-http issuers, cleartext tokens on a loopback listener).
///
/// Only unambiguous spellings count: `localhost`, `::1` (bracketed or not), and dotted-quad
/// `127.x.y.z`. Forms such as `127.1` or `0x7f.0.0.1` resolve differently across resolvers, so
/// they are not trusted.
public func isLoopbackHost(_ host: String) -> Bool {
    var host = host.lowercased()
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
    let octets = host.split(separator: ".", omittingEmptySubsequences: false)
    guard octets.count == 4 else { return false }
    for octet in octets {
        guard (1...3).contains(octet.count), octet.allSatisfy(\.isASCIIDigit), let value = Int(octet), value <= 255 else {
            return false
        }
    }
    return octets[0] == "127"
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
