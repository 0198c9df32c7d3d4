import Foundation
import GatehouseMasking

/// Rewrites the XML of a container or blob listing before the agent sees it: blob and prefix
/// names and metadata values go through the detectors, and the `ServiceEndpoint` attribute
/// names the gateway instead of the upstream account. Everything else is copied as it is.
/// Pure; the service's listing XML is small and regular (no CDATA, no comments), and anything
/// this scanner does not understand fails closed.
public struct BlobListingMasker: Sendable {
    public let engine: MaskingEngine
    /// What `ServiceEndpoint` says instead of the account URL, e.g. `https://gateway:8443/blob/exports/`.
    public let serviceEndpoint: String

    public init(engine: MaskingEngine, serviceEndpoint: String) {
        self.engine = engine
        self.serviceEndpoint = serviceEndpoint
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "the listing could not be read for masking: \(reason)" }
    }

    public func mask(_ xml: String) throws -> (xml: String, hits: [SubjectHit]) {
        var output = ""
        output.reserveCapacity(xml.utf8.count)
        var hits = SubjectHitCollector()
        var rest = Substring(xml)
        var metadataDepth = 0
        while let open = rest.firstIndex(of: "<") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else { throw Malformed(reason: "an unterminated tag") }
            let tag = rest[open...close]
            rest = rest[rest.index(after: close)...]
            output += rewriteEndpoint(in: tag)
            let name = Self.tagName(tag)
            if tag.hasPrefix("</") {
                if name == "Metadata" { metadataDepth = max(0, metadataDepth - 1) }
                continue
            }
            if tag.hasSuffix("/>") || tag.hasPrefix("<?") { continue }
            if name == "Metadata" { metadataDepth += 1; continue }
            // The text of <Name> (blob, prefix or container names) and of each metadata entry.
            guard name == "Name" || metadataDepth > 0 else { continue }
            guard let end = rest.firstIndex(of: "<") else { throw Malformed(reason: "text without a closing tag") }
            let text = rest[..<end]
            rest = rest[end...]
            guard rest.hasPrefix("</\(name)>") else {
                if text.allSatisfy(\.isWhitespace) { output += text; continue }   // a container element
                throw Malformed(reason: "unexpected content in <\(name)>")
            }
            let (masked, found) = engine.mask(Self.unescaped(String(text)))
            hits.add(found)
            output += BlobServiceError.escaped(masked)
        }
        output += rest
        return (output, hits.hits)
    }

    /// The `ServiceEndpoint="…"` attribute of the root element, pointed at the gateway.
    func rewriteEndpoint(in tag: Substring) -> String {
        guard let range = tag.range(of: "ServiceEndpoint=\"") else { return String(tag) }
        guard let end = tag[range.upperBound...].firstIndex(of: "\"") else { return String(tag) }
        return String(tag[..<range.upperBound]) + BlobServiceError.escaped(serviceEndpoint) + String(tag[end...])
    }

    static func tagName(_ tag: Substring) -> Substring {
        tag.drop { $0 == "<" || $0 == "/" }.prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
    }

    public static func unescaped(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { result += rest[amp...]; return result }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                if entity.hasPrefix("#x"), let code = UInt32(entity.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(code) {
                    result.unicodeScalars.append(scalar)
                } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(code) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += rest[amp...semicolon]
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }
}
