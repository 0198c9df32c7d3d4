import GatehouseCore
import Foundation

/// Where discovery documents and key sets may be fetched from: https anywhere, plain http
/// only from a loopback host (127.0.0.0/8, ::1, localhost), where there is no network path
/// for an attacker to tamper with the keys.
enum FetchURLPolicy {
    /// The URL, or why it is refused (a client-safe phrase).
    static func check(_ string: String) -> Result<URL, Refusal> {
        guard let url = URL(string: string), let scheme = url.scheme?.lowercased(),
            let host = url.host, !host.isEmpty
        else {
            return .failure(Refusal("'\(ClientSafeText.echo(string))' is not an absolute URL"))
        }
        switch scheme {
        case "https":
            return .success(url)
        case "http" where isLoopbackHost(host):
            return .success(url)
        default:
            return .failure(Refusal("'\(ClientSafeText.echo(string))' must use https (plain http is only allowed on loopback)"))
        }
    }

    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
