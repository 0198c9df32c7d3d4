import Crypto
import Foundation

/// The service's continuation markers are opaque but can encode the next blob's name, which may
/// hold an identifier the listing masked. The agent gets them sealed (AES-GCM under a key that
/// lives as long as the process) and hands them back; only the gateway can open them.
struct ListingMarkers: Sendable {
    private let key = SymmetricKey(size: .bits256)
    static let prefix = "gh1."

    func seal(_ marker: String) -> String {
        guard let box = try? AES.GCM.seal(Data(marker.utf8), using: key).combined else { return "" }
        return Self.prefix + box.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The service's marker, or nil when `sealed` is not one this gateway handed out.
    func open(_ sealed: String) -> String? {
        guard sealed.hasPrefix(Self.prefix) else { return nil }
        var text = String(sealed.dropFirst(Self.prefix.count)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let box = try? AES.GCM.SealedBox(combined: data),
              let opened = try? AES.GCM.open(box, using: key) else { return nil }
        return String(data: opened, encoding: .utf8)
    }

    /// `<NextMarker>…</NextMarker>` and `<Marker>…</Marker>` of a listing, sealed.
    func sealMarkers(in xml: String) -> String {
        var result = xml
        for name in ["NextMarker", "Marker"] {
            guard let start = result.range(of: "<\(name)>"),
                  let end = result.range(of: "</\(name)>", range: start.upperBound..<result.endIndex) else { continue }
            let marker = String(result[start.upperBound..<end.lowerBound])
            guard !marker.isEmpty else { continue }
            result.replaceSubrange(start.upperBound..<end.lowerBound, with: seal(marker))
        }
        return result
    }

    /// The query with a sealed `marker` replaced by the service's; nil when the marker does not open.
    func upstreamQuery(_ query: String?) -> String?? {
        guard let query, query.lowercased().contains("marker=") else { return .some(query) }
        var parts: [String] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2, pieces[0].lowercased() == "marker" else { parts.append(String(pair)); continue }
            let sealed = String(pieces[1]).removingPercentEncoding ?? String(pieces[1])
            guard let marker = open(sealed) else { return nil }
            let encoded = marker.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? marker
            parts.append("\(pieces[0])=\(encoded)")
        }
        return .some(parts.joined(separator: "&"))
    }
}
