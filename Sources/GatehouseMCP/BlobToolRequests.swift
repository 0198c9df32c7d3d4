import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The Blob service requests the `blob_list` and `blob_read` tools make of the gateway's own Blob
/// adapter, and how their answers read. Pure.
enum BlobToolRequests {
    /// A container name as the service allows it: 3 to 63 lower-case letters, digits and hyphens.
    static func isContainerName(_ name: String) -> Bool {
        (3...63).contains(name.count) && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// A path segment percent-encoded (a blob name keeps its slashes).
    static func encoded(_ text: String, keepingSlashes: Bool) -> String {
        var allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        if keepingSlashes { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func listPath(connection: String, container: String?, prefix: String?, maxResults: Int) -> String {
        let base = "/blob/\(encoded(connection, keepingSlashes: false))/"
        guard let container else { return base + "?comp=list&maxresults=\(maxResults)" }
        var path = base + container + "?restype=container&comp=list&delimiter=%2F&maxresults=\(maxResults)"
        if let prefix { path += "&prefix=" + encoded(prefix, keepingSlashes: false) }
        return path
    }

    static func blobPath(connection: String, container: String, blob: String) -> String {
        "/blob/\(encoded(connection, keepingSlashes: false))/\(container)/\(encoded(blob, keepingSlashes: true))"
    }

    /// A listing's entries: containers, or blobs (with size and type) and folder prefixes.
    struct Listing: Equatable {
        var containers: [String] = []
        var blobs: [(name: String, size: Int?, contentType: String?)] = []
        var prefixes: [String] = []
        var nextMarker: String?

        static func == (a: Listing, b: Listing) -> Bool {
            a.containers == b.containers && a.prefixes == b.prefixes && a.nextMarker == b.nextMarker
                && a.blobs.map { "\($0.name)|\($0.size ?? -1)|\($0.contentType ?? "")" } == b.blobs.map { "\($0.name)|\($0.size ?? -1)|\($0.contentType ?? "")" }
        }
    }

    static func listing(_ xml: Data) -> Listing? {
        let reader = ListingReader()
        let parser = XMLParser(data: xml)
        parser.delegate = reader
        return parser.parse() ? reader.listing : nil
    }

    /// The service's error body: `<Error><Code>..</Code><Message>..</Message></Error>`.
    static func error(_ xml: Data) -> (code: String?, message: String?) {
        let reader = ListingReader()
        let parser = XMLParser(data: xml)
        parser.delegate = reader
        _ = parser.parse()
        return (reader.errorCode, reader.errorMessage)
    }
}

/// Reads the elements of a listing or an error as they come (XMLParser unescapes the text).
private final class ListingReader: NSObject, XMLParserDelegate {
    var listing = BlobToolRequests.Listing()
    var errorCode: String?
    var errorMessage: String?
    private var path: [String] = []
    private var text = ""
    private var blob: (name: String, size: Int?, contentType: String?)?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        path.append(name)
        text = ""
        if name == "Blob" { blob = ("", nil, nil) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let parent = path.dropLast().last
        switch (parent, name) {
        case ("Container", "Name"): listing.containers.append(text)
        case ("Blob", "Name"): blob?.name = text
        case ("Properties", "Content-Length"): blob?.size = Int(text)
        case ("Properties", "Content-Type"): blob?.contentType = text
        case ("BlobPrefix", "Name"): listing.prefixes.append(text)
        case ("EnumerationResults", "NextMarker"): listing.nextMarker = text.isEmpty ? nil : text
        case ("Error", "Code"): errorCode = text
        case ("Error", "Message"): errorMessage = text
        case (_, "Blob"):
            if let blob { listing.blobs.append(blob) }
            blob = nil
        default: break
        }
        path.removeLast()
        text = ""
    }
}
