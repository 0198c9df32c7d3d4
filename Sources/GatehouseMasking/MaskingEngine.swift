import GatehouseCore
import Crypto

/// Replaces personal identifiers in bytes (UTF-8 text) according to per-kind strategies, and
/// reports a keyed digest of every identifier it masked. Pure: no I/O, no shared state.
public struct MaskingEngine: Sendable {
    public let detectors: DetectorSet
    public let strategies: [IdentifierKind: MaskingStrategy]
    public let defaultStrategy: MaskingStrategy
    /// Strategy per classification category for `maskClassifiedValue` (else `defaultStrategy`).
    public let categoryStrategies: [String: MaskingStrategy]
    private(set) var pseudonym: Pseudonym
    private(set) var subjectHash: KeyedHash
    /// When false, no subject hits are computed (saves an HMAC per masked value): for callers
    /// that already hold as many subjects as they keep.
    public var collectsSubjects = true

    public init(
        detectors: DetectorSet,
        strategies: [IdentifierKind: MaskingStrategy] = [:],
        defaultStrategy: MaskingStrategy = .redact,
        categoryStrategies: [String: MaskingStrategy] = [:],
        pseudonymKey: SymmetricKey,
        subjectKey: SymmetricKey
    ) {
        self.detectors = detectors
        self.strategies = strategies
        self.defaultStrategy = defaultStrategy
        self.categoryStrategies = categoryStrategies
        self.pseudonym = Pseudonym(key: pseudonymKey)
        self.subjectHash = KeyedHash(key: subjectKey)
    }

    public func strategy(for kind: IdentifierKind) -> MaskingStrategy { strategies[kind] ?? defaultStrategy }

    /// The same engine with hash states of its own (`KeyedHash.unshared`), for one of several
    /// cores masking side by side.
    public func unsharedHashes() -> MaskingEngine {
        var copy = self
        copy.subjectHash = subjectHash.unshared()
        copy.pseudonym.hash = pseudonym.hash.unshared()
        return copy
    }

    /// Masks every detection in `bytes`. Returns nil output when nothing was found (the caller
    /// forwards the original bytes untouched, zero copies).
    public func mask(_ bytes: UnsafeRawBufferPointer) -> MaskResult {
        var hits = SubjectHitCollector()
        let output = mask(bytes, collecting: &hits)
        return MaskResult(output: output, hits: hits.hits)
    }

    /// `mask(_:)` for callers that gather the hits of many values (a document, a response):
    /// returns the masked bytes or nil, and adds the hits to `hits`.
    public func mask(_ bytes: UnsafeRawBufferPointer, collecting hits: inout SubjectHitCollector) -> [UInt8]? {
        let detections = detectors.detect(in: bytes)
        return detections.isEmpty ? nil : mask(bytes, detections: detections, collecting: &hits)
    }

    public func mask(_ bytes: [UInt8], collecting hits: inout SubjectHitCollector) -> [UInt8]? {
        bytes.withUnsafeBytes { mask($0, collecting: &hits) }
    }

    /// Masks `detections`, found in `bytes` by `detectors`, sorted and not overlapping.
    func mask(_ bytes: UnsafeRawBufferPointer, detections: [Detection], collecting hits: inout SubjectHitCollector) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + detections.count * 16)
        var cursor = 0
        for detection in detections {
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[cursor..<detection.range.lowerBound]))
            appendReplacement(for: UnsafeRawBufferPointer(rebasing: bytes[detection.range]), kind: detection.kind, name: detection.name,
                              strategy: strategy(for: detection.kind), hits: &hits, to: &output)
            cursor = detection.range.upperBound
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[cursor...]))
        return output
    }

    public func mask(_ bytes: [UInt8]) -> MaskResult {
        bytes.withUnsafeBytes { mask($0) }
    }

    public func mask(_ text: String) -> (text: String, hits: [SubjectHit]) {
        var text = text
        let result = text.withUTF8 { mask(UnsafeRawBufferPointer($0)) }
        guard let output = result.output else { return (text, []) }
        return (String(decoding: output, as: UTF8.self), result.hits)
    }

    /// Masks a whole value known to be personal data by classification (e.g. a classified
    /// column), whatever its content. `category` is the classification category (contact,
    /// national-id, financial, name, free-text...). A value that is exactly one recognised
    /// identifier (surrounding whitespace aside) is masked as that identifier; anything else is
    /// masked as a whole with the category's strategy (`[CONTACT]`, `N***`, `name_<hex>`).
    /// Only an empty value comes back with nil output.
    public func maskClassifiedValue(_ bytes: UnsafeRawBufferPointer, category: String) -> MaskResult {
        var hits = SubjectHitCollector()
        let output = maskClassifiedValue(bytes, category: category, collecting: &hits)
        return MaskResult(output: output, hits: hits.hits)
    }

    /// `maskClassifiedValue(_:category:)` adding its hit to `hits`.
    public func maskClassifiedValue(_ bytes: UnsafeRawBufferPointer, category: String,
                                    collecting hits: inout SubjectHitCollector) -> [UInt8]? {
        guard !bytes.isEmpty else { return nil }
        let content = asciiTrimmedRange(of: bytes) ?? 0..<bytes.count
        var output: [UInt8] = []
        output.reserveCapacity(max(bytes.count, 16))
        let detections = detectors.detect(in: bytes)
        if detections.count == 1, detections[0].range == content, detections[0].kind != .custom {
            let kind = detections[0].kind
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<content.lowerBound]))
            appendReplacement(for: UnsafeRawBufferPointer(rebasing: bytes[content]), kind: kind, name: kind.rawValue,
                              strategy: strategy(for: kind), hits: &hits, to: &output)
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[content.upperBound...]))
        } else {
            appendReplacement(for: bytes, kind: .custom, name: category, strategy: categoryStrategies[category] ?? defaultStrategy,
                              hits: &hits, to: &output)
        }
        return output
    }

    /// The subject hit of a row's data-subject key (`subjectKeyText`), or nil when the engine
    /// collects no subjects. The value itself is not changed: keys are indexed, not masked.
    public func subjectKeyHit(relation: String, key: String) -> SubjectHit? {
        guard collectsSubjects else { return nil }
        let normalised = normalisedIdentifier(Array(subjectKeyText(relation: relation, key: key).utf8), kind: .subjectKey)
        return SubjectHit(kind: .subjectKey, digest: hexString(subjectHash.mac(normalised)))
    }

    public func maskClassifiedValue(_ bytes: [UInt8], category: String, collecting hits: inout SubjectHitCollector) -> [UInt8]? {
        bytes.withUnsafeBytes { maskClassifiedValue($0, category: category, collecting: &hits) }
    }

    public func maskClassifiedValue(_ bytes: [UInt8], category: String) -> MaskResult {
        bytes.withUnsafeBytes { maskClassifiedValue($0, category: category) }
    }

    /// Appends what replaces `value` and adds its subject to `hits`. Redaction, the common case,
    /// copies nothing: the value is normalised on the stack and the label written in place.
    private func appendReplacement(
        for value: UnsafeRawBufferPointer, kind: IdentifierKind, name: String, strategy: MaskingStrategy,
        hits: inout SubjectHitCollector, to output: inout [UInt8]
    ) {
        if strategy == .pseudonym {
            let normalised = normalisedIdentifier(Array(value), kind: kind)
            if collectsSubjects { hits.add(kind: kind, mac: subjectHash.digest(normalised)) }
            return output.append(contentsOf: pseudonym.render(Array(value), kind: kind, name: name, normalised: normalised))
        }
        if collectsSubjects { hits.add(kind: kind, mac: subjectHash.digest(normalising: value, kind: kind)) }
        switch strategy {
        case .redact: Redaction.append(kind: kind, name: name, to: &output)
        case .partial: output.append(contentsOf: PartialMask.render(Array(value), kind: kind))
        case .pseudonym: break
        }
    }
}
