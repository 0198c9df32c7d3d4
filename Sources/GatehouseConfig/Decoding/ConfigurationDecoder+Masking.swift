import Foundation
import GatehouseMasking

extension ConfigurationDecoder {
    private static let maskingKeys = ["key_env", "key_file", "detectors", "phone_regions", "strategies", "categories", "custom_patterns", "dictionaries"]
    /// What a connection's `masking` section may override.
    static let connectionMaskingKeys = ["strategies", "categories"]

    func decodeMasking(_ value: ConfigValue?) throws -> MaskingConfiguration {
        guard let value else { return MaskingConfiguration() }
        let section = try value.mapping(allowedKeys: Self.maskingKeys)
        var masking = MaskingConfiguration()
        masking.key = try decodeSecretSource(in: section, environmentKey: "key_env", fileKey: "key_file", secret: "key")
        if let detectors = try section.optional("detectors") { masking.detectors = try decodeDetectors(detectors) }
        if let regions = try section.optional("phone_regions") { masking.phoneRegions = try decodePhoneRegions(regions) }
        masking.rules = try decodeMaskingRules(section)
        var names = NameRegistry()
        if let patterns = try section.optional("custom_patterns") {
            masking.customPatterns = try patterns.list().map { try decodeCustomPattern($0, names: &names) }
        }
        if let dictionaries = try section.optional("dictionaries") {
            masking.dictionaries = try dictionaries.list().map { try decodeDictionary($0, names: &names) }
        }
        return masking
    }

    /// A connection's overrides of the global rules (empty when the section is absent).
    func decodeConnectionMasking(_ value: ConfigValue?) throws -> MaskingRules {
        guard let value else { return MaskingRules() }
        return try decodeMaskingRules(value.mapping(allowedKeys: Self.connectionMaskingKeys))
    }

    /// `strategies` and `categories` of a global or per-connection section.
    private func decodeMaskingRules(_ section: ConfigMapping) throws -> MaskingRules {
        var rules = MaskingRules()
        if let strategies = try section.optional("strategies") {
            for (kind, strategyValue) in try strategies.freeFormEntries() {
                guard MaskingConfiguration.strategyKeys.contains(kind) else {
                    let expected = MaskingConfiguration.strategyKeys.joined(separator: ", ")
                    throw strategyValue.error("'\(kind)' is not an identifier kind (expected one of \(expected))")
                }
                let strategy = try strategyValue.oneOf(MaskingStrategy.self)
                if kind == "default" { rules.defaultStrategy = strategy } else { rules.strategies[kind] = strategy }
            }
        }
        if let categories = try section.optional("categories") {
            for (category, treatmentValue) in try categories.freeFormEntries() {
                guard !category.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw treatmentValue.error("a category name must not be empty")
                }
                rules.categories[category] = try treatmentValue.oneOf(CategoryTreatment.self)
            }
        }
        return rules
    }

    private func decodeDetectors(_ value: ConfigValue) throws -> [String] {
        var detectors: [String] = []
        for item in try value.list() {
            let name = try item.string()
            guard MaskingConfiguration.builtinDetectors.contains(name) else {
                let expected = MaskingConfiguration.builtinDetectors.joined(separator: ", ")
                let note = name == MaskingConfiguration.customKind ? " (custom patterns and dictionaries always run)" : ""
                throw item.error("'\(name)' is not a built-in detector\(note); expected one of \(expected)")
            }
            guard !detectors.contains(name) else { throw item.error("detector '\(name)' is listed twice") }
            detectors.append(name)
        }
        return detectors
    }

    /// Two-letter ISO 3166 codes with a numbering plan in libphonenumber, no repeats.
    private func decodePhoneRegions(_ value: ConfigValue) throws -> [String] {
        var regions: [String] = []
        for item in try value.list() {
            let code = try item.string()
            guard PhoneNumberingPlan.isSupportedRegion(code) else {
                throw item.error("'\(code)' is not a region with a telephone numbering plan (two upper-case ISO 3166 letters, e.g. DE, NL, FR)")
            }
            guard !regions.contains(code) else { throw item.error("region '\(code)' is listed twice") }
            regions.append(code)
        }
        return regions
    }

    private func decodeCustomPattern(_ item: ConfigValue, names: inout NameRegistry) throws -> CustomPatternSettings {
        let entry = try item.mapping(allowedKeys: ["name", "regex"])
        let name = try names.register(entry.required("name"))
        let regexValue = try entry.required("regex")
        let regex = try regexValue.nonEmptyString()
        do {
            _ = try Regex(regex)
        } catch {
            throw regexValue.error("does not compile as a regular expression: \(error)")
        }
        return CustomPatternSettings(name: name, regex: regex)
    }

    private func decodeDictionary(_ item: ConfigValue, names: inout NameRegistry) throws -> TermDictionarySettings {
        let entry = try item.mapping(allowedKeys: ["name", "terms", "file"])
        let name = try names.register(entry.required("name"))
        let termsValue = try entry.optional("terms")
        let fileValue = try entry.optional("file")
        if let termsValue, let fileValue {
            let later = (fileValue.mark?.line ?? 0) >= (termsValue.mark?.line ?? 0) ? fileValue : termsValue
            throw later.error("terms and file are mutually exclusive")
        }
        if let termsValue {
            return TermDictionarySettings(name: name, terms: .inline(try termsValue.nonEmptyStringList(of: "term")))
        }
        guard let fileValue else { throw item.error("needs 'terms' or 'file'") }
        let settings = TermDictionarySettings(name: name, terms: .file(try existingFile(fileValue)))
        // Read now, so an empty or binary file fails check-config rather than the first start.
        do {
            _ = try settings.loadTerms()
        } catch let error as TermFileError {
            throw fileValue.error("file \(error.path) \(error.problem)")
        }
        return settings
    }
}
