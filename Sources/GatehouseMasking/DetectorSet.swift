/// The configured detectors: which built-in kinds run, plus custom patterns and dictionaries.
public struct DetectorSet: Sendable {
    public let kinds: Set<IdentifierKind>
    public let customPatterns: [CustomPattern]
    public let dictionaries: [TermDictionary]
    /// Where national-format phone numbers are read (`masking.phone_regions`).
    public let phonePlan: PhoneNumberingPlan
    let builtin: BuiltinScanner

    public init(
        kinds: Set<IdentifierKind> = Set(IdentifierKind.detectable),
        customPatterns: [CustomPattern] = [],
        dictionaries: [TermDictionary] = [],
        phonePlan: PhoneNumberingPlan = .defaultRegions
    ) {
        self.kinds = kinds
        self.customPatterns = customPatterns
        self.dictionaries = dictionaries
        self.phonePlan = phonePlan
        self.builtin = BuiltinScanner(kinds: kinds, phonePlan: phonePlan)
    }

    /// Non-overlapping detections sorted by start; on overlap the longer/validated one wins.
    ///
    /// Custom patterns need valid UTF-8 (Swift Regex works on `String`): on a buffer that is not
    /// valid UTF-8 they are skipped; the built-in detectors and dictionaries still run.
    public func detect(in bytes: UnsafeRawBufferPointer) -> [Detection] {
        let found = builtin.scan(bytes)
        guard !customPatterns.isEmpty || !dictionaries.isEmpty else { return found }
        var all = found
        for dictionary in dictionaries {
            all += dictionary.ranges(in: bytes).map { Detection(range: $0, kind: .custom, name: dictionary.name) }
        }
        if !customPatterns.isEmpty, let text = Self.validUTF8String(bytes) {
            for pattern in customPatterns {
                all += pattern.ranges(in: text).map { Detection(range: $0, kind: .custom, name: pattern.name) }
            }
        }
        return all.count == found.count ? found : OverlapResolver.resolve(all)
    }

    public func detect(in bytes: [UInt8]) -> [Detection] {
        bytes.withUnsafeBytes { detect(in: $0) }
    }

    /// The text when `bytes` is valid UTF-8 (decoding repairs invalid input, which changes the bytes).
    /// Written this way because `String(validating:as:)` needs macOS 15.
    static func validUTF8String(_ bytes: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }
}
