import Foundation
import GatehouseMasking

/// The `masking` section: the secret keying pseudonyms and subject digests, which detectors
/// run, and how identifiers and classified values are masked. Every key has a default, so an
/// absent section is a complete configuration.
///
/// Kinds are names here (`email`, `payment-card`, ...): the masking engine's `IdentifierKind`
/// raw values.
public struct MaskingConfiguration: Sendable, Equatable {
    /// The built-in detectors, in the engine's order (the order the documentation lists them).
    public static let builtinDetectors = IdentifierKind.detectable.map(\.rawValue)
    /// The kind custom patterns and dictionaries report; it may have a strategy but is not a detector.
    public static let customKind = IdentifierKind.custom.rawValue
    /// The keys `strategies` accepts: `default`, then every kind.
    public static let strategyKeys = ["default"] + builtinDetectors + [customKind]
    /// Under the data directory when neither `key_env` nor `key_file` is set.
    public static let defaultKeyFileName = "masking.key"
    /// The least key material accepted from `key_env` or `key_file`, in bytes.
    public static let minimumKeyBytes = 32

    /// Where the masking secret comes from; nil means `<data_dir>/masking.key`, generated on
    /// first start (see `GatehouseConfiguration.maskingKeySource`).
    public var key: SecretSource?
    /// The built-in detectors that run (a subset of `builtinDetectors`, no repeats); all by default.
    public var detectors: [String]
    /// Where national-format phone numbers (no `+CC`) are read: ISO 3166 codes (`phone_regions`).
    public var phoneRegions: [String]
    /// The global strategies and category treatments; connections may override them.
    public var rules: MaskingRules
    public var customPatterns: [CustomPatternSettings]
    public var dictionaries: [TermDictionarySettings]

    public init(
        key: SecretSource? = nil, detectors: [String] = Self.builtinDetectors,
        phoneRegions: [String] = PhoneNumberingPlan.defaultRegionCodes, rules: MaskingRules = MaskingRules(),
        customPatterns: [CustomPatternSettings] = [], dictionaries: [TermDictionarySettings] = []
    ) {
        self.key = key
        self.detectors = detectors
        self.phoneRegions = phoneRegions
        self.rules = rules
        self.customPatterns = customPatterns
        self.dictionaries = dictionaries
    }

    /// Reads the configured masking secret (`key_env` or `key_file`) now: the UTF-8 bytes of the
    /// text, as `SecretSource.resolve` returns it (a file's one trailing newline stripped), at
    /// least `minimumKeyBytes` of them. nil when neither is configured (the generated default
    /// key file is used). Errors name the variable or file, never the value.
    public func resolveConfiguredKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [UInt8]? {
        try key?.resolveKeyMaterial(minimumBytes: Self.minimumKeyBytes, purpose: "a masking key", environment: environment)
    }
}

/// How identifiers and classified values are masked: `masking.strategies` and
/// `masking.categories`, globally or as a connection's overrides.
public struct MaskingRules: Sendable, Equatable {
    /// `strategies.default`; nil when not written (the effective default is `redact`).
    public var defaultStrategy: MaskingStrategy?
    /// Kind name (`email`, `custom`, ...) to strategy; never holds `default`.
    public var strategies: [String: MaskingStrategy]
    /// Classification category (as written in `personal_data`) to its treatment.
    public var categories: [String: CategoryTreatment]

    public init(
        defaultStrategy: MaskingStrategy? = nil, strategies: [String: MaskingStrategy] = [:],
        categories: [String: CategoryTreatment] = [:]
    ) {
        self.defaultStrategy = defaultStrategy
        self.strategies = strategies
        self.categories = categories
    }

    public var isEmpty: Bool { defaultStrategy == nil && strategies.isEmpty && categories.isEmpty }

    /// These rules with `overrides` laid over them key by key (an override wins).
    public func merging(_ overrides: MaskingRules) -> MaskingRules {
        MaskingRules(
            defaultStrategy: overrides.defaultStrategy ?? defaultStrategy,
            strategies: strategies.merging(overrides.strategies) { _, override in override },
            categories: categories.merging(overrides.categories) { _, override in override })
    }

    /// The strategy for kinds without one of their own.
    public var effectiveDefaultStrategy: MaskingStrategy { defaultStrategy ?? .redact }

    /// The categories whose columns only get the detectors run on their content.
    public var detectOnlyCategories: Set<String> {
        Set(categories.filter { $0.value == .detect }.keys)
    }
}

/// How a value is replaced: the masking engine's strategies, by name.
/// What happens to the values of classified columns of one category.
public enum CategoryTreatment: String, Sendable, CaseIterable {
    /// The whole value is masked with this strategy.
    case redact, partial, pseudonym
    /// The value is not masked whole: the detectors run on its content and mask what they find.
    case detect

    /// The whole-value strategy; nil for `detect`.
    public var strategy: MaskingStrategy? {
        switch self {
        case .redact: return .redact
        case .partial: return .partial
        case .pseudonym: return .pseudonym
        case .detect: return nil
        }
    }
}

/// One `masking.custom_patterns` entry: a Swift Regex that compiled when the file was loaded.
public struct CustomPatternSettings: Sendable, Equatable {
    public var name: String
    public var regex: String

    public init(name: String, regex: String) {
        self.name = name
        self.regex = regex
    }
}

/// One `masking.dictionaries` entry: terms written inline or kept in a file.
public struct TermDictionarySettings: Sendable, Equatable {
    public enum Terms: Sendable, Equatable {
        /// As listed; never empty.
        case inline([String])
        /// An absolute path to a file that existed when the configuration was loaded.
        case file(String)
    }

    public var name: String
    public var terms: Terms

    public init(name: String, terms: Terms) {
        self.name = name
        self.terms = terms
    }

    /// The terms: the inline list, or the file's lines with surrounding whitespace removed and
    /// blank lines skipped. Errors name the file, never its content (the terms are personal data).
    public func loadTerms() throws -> [String] {
        switch terms {
        case .inline(let list):
            return list
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TermFileError(path: path, problem: "cannot be read")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw TermFileError(path: path, problem: "is not UTF-8 text")
            }
            let list = text.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard !list.isEmpty else { throw TermFileError(path: path, problem: "holds no terms") }
            return list
        }
    }
}

/// A dictionary file that cannot be used. Names the file, never a term.
public struct TermFileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "dictionary file \(path) \(problem)" }
}

extension TermFileError: LocalizedError {
    public var errorDescription: String? { description }
}
