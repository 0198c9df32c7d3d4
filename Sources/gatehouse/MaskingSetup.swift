import Crypto
import Foundation
import GatehouseConfig
import GatehouseMasking

/// Turns the `masking` configuration into one `MaskingSettings` per connection.
enum MaskingSetup {
    /// HKDF `info` labels: one secret, two independent keys. Changing a label changes every
    /// pseudonym or subject digest of a deployment.
    static let pseudonymKeyInfo = "gatehouse masking pseudonym v1"
    static let subjectKeyInfo = "gatehouse subject digest v1"

    /// The masking settings of every connection, keyed by connection name. Reads the masking
    /// secret (`key_env`, `key_file`, or `<data_dir>/masking.key`, which is created on first
    /// use) and the dictionary files. Throws a `ValidationFailure` naming the variable or file
    /// at fault, never a secret or a term.
    static func settings(
        for configuration: GatehouseConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [String: MaskingSettings] {
        let keys = derivedKeys(fromSecret: try maskingSecret(configuration, environment: environment))
        let detectors = try detectorSet(configuration.masking)
        var settings: [String: MaskingSettings] = [:]
        for connection in configuration.connections {
            let rules = configuration.maskingRules(for: connection)
            let engine = try engine(rules: rules, detectors: detectors, keys: keys)
            settings[connection.name] = MaskingSettings(engine: engine, detectOnlyCategories: rules.detectOnlyCategories)
        }
        return settings
    }

    /// The engine with the global `masking` rules (connections without rules of their own: Azure Blob).
    static func globalEngine(
        for configuration: GatehouseConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> MaskingEngine {
        let keys = derivedKeys(fromSecret: try maskingSecret(configuration, environment: environment))
        return try engine(rules: configuration.masking.rules, detectors: try detectorSet(configuration.masking), keys: keys)
    }

    private static func engine(rules: MaskingRules, detectors: DetectorSet, keys: (pseudonym: SymmetricKey, subject: SymmetricKey)) throws
        -> MaskingEngine {
        var strategies: [IdentifierKind: MaskingStrategy] = [:]
        for (name, strategy) in rules.strategies {
            strategies[try identifierKind(name, keyPath: "strategies")] = strategy
        }
        var categoryStrategies: [String: MaskingStrategy] = [:]
        for (category, treatment) in rules.categories {
            if let strategy = treatment.strategy { categoryStrategies[category] = strategy }
        }
        return MaskingEngine(
            detectors: detectors, strategies: strategies, defaultStrategy: rules.effectiveDefaultStrategy,
            categoryStrategies: categoryStrategies, pseudonymKey: keys.pseudonym, subjectKey: keys.subject)
    }

    /// The pseudonym key and the subject-digest key, each HKDF-SHA256 of the secret with its
    /// own label (no salt), 32 bytes. The same secret always gives the same keys, so
    /// pseudonyms and digests survive restarts.
    static func derivedKeys(fromSecret secret: [UInt8]) -> (pseudonym: SymmetricKey, subject: SymmetricKey) {
        let material = SymmetricKey(data: secret)
        func derive(_ info: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data(info.utf8), outputByteCount: 32)
        }
        return (derive(pseudonymKeyInfo), derive(subjectKeyInfo))
    }

    /// The key of subject digests, for finding a data subject in the ledger (`audit subject`).
    static func subjectKey(for configuration: GatehouseConfiguration,
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SymmetricKey {
        derivedKeys(fromSecret: try maskingSecret(configuration, environment: environment)).subject
    }

    /// The configured secret's bytes, or the default key file's (created if missing).
    private static func maskingSecret(_ configuration: GatehouseConfiguration, environment: [String: String]) throws -> [UInt8] {
        let configured: [UInt8]?
        do {
            configured = try configuration.masking.resolveConfiguredKey(environment: environment)
        } catch {
            throw ValidationFailure("\(configuration.sourcePath): masking key: \(error)")
        }
        return try configured ?? GeneratedKeyFile.maskingKey.loadOrCreate(path: configuration.defaultMaskingKeyPath)
    }

    /// The detectors every connection shares: built-in kinds, custom patterns, dictionaries.
    static func detectorSet(_ masking: MaskingConfiguration) throws -> DetectorSet {
        let kinds = try Set(masking.detectors.map { try identifierKind($0, keyPath: "detectors") })
        let patterns = try masking.customPatterns.map { pattern in
            do {
                return try CustomPattern(name: pattern.name, regex: pattern.regex)
            } catch {
                throw ValidationFailure("masking.custom_patterns: '\(pattern.name)' does not compile: \(error)")
            }
        }
        let dictionaries = try masking.dictionaries.map { dictionary in
            do {
                return TermDictionary(name: dictionary.name, terms: try dictionary.loadTerms())
            } catch {
                throw ValidationFailure("masking.dictionaries: '\(dictionary.name)': \(error)")
            }
        }
        let phonePlan: PhoneNumberingPlan
        do {
            phonePlan = try PhoneNumberingPlan(regions: masking.phoneRegions)
        } catch {
            throw ValidationFailure("masking.phone_regions: \(error)")
        }
        return DetectorSet(kinds: kinds, customPatterns: patterns, dictionaries: dictionaries, phonePlan: phonePlan)
    }

    /// The configuration validated the name against the same list; a mismatch means the two
    /// modules disagree, which must not silently drop a detector.
    private static func identifierKind(_ name: String, keyPath: String) throws -> IdentifierKind {
        guard let kind = IdentifierKind(rawValue: name) else {
            throw ValidationFailure("masking.\(keyPath): '\(name)' is not an identifier kind the masking engine knows")
        }
        return kind
    }

}
