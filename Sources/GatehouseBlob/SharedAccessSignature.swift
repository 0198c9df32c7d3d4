import Foundation

/// A shared access signature the gateway holds for the account: the query string the portal or
/// `az storage account generate-sas` prints (`sv=...&ss=b&...&sig=...`, a leading `?` allowed).
/// Appended to every forwarded request instead of signing it; the client's own query comes first.
public struct SharedAccessSignature: Sendable, Equatable {
    /// The SAS parameters, as given (already percent-encoded).
    public let query: String

    /// Nil unless `text` is a query string with a signed version (`sv`) and a signature (`sig`).
    public init?(_ text: String) {
        var query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if query.hasPrefix("?") { query.removeFirst() }
        let names = Set(BlobQuery(query).pairs.map(\.name))
        guard !query.isEmpty, names.contains("sig"), names.contains("sv"),
              query.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0 != "#" }) else { return nil }
        self.query = query
    }

    /// The upstream query: the client's parameters, then the signature's.
    public func appended(to clientQuery: String?) -> String {
        guard let clientQuery, !clientQuery.isEmpty else { return query }
        return clientQuery + "&" + query
    }
}
