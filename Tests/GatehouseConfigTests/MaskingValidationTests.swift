import Testing

@testable import GatehouseConfig
import GatehouseMasking

@Suite struct MaskingValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// MinimalConfig with a `masking:` section on line 13, its keys from line 14 on.
    func withMasking(_ body: String) -> String {
        MinimalConfig.text + "masking:\n" + body
    }

    @Test func absentSectionMeansDefaults() throws {
        let config = try fixture.parse(MinimalConfig.text)
        #expect(config.masking == MaskingConfiguration())
        #expect(config.masking.key == nil)
        #expect(config.masking.detectors == MaskingConfiguration.builtinDetectors)
        #expect(config.masking.rules.isEmpty)
        #expect(config.masking.rules.effectiveDefaultStrategy == .redact)
        #expect(config.defaultMaskingKeyPath == fixture.directory + "/data/masking.key")
        #expect(config.connections[0].masking.isEmpty)
    }

    @Test func everyKeyIsRead() throws {
        try fixture.write("Carol Example\n  Dave Example  \n\n", to: "vip.txt")
        let yaml = withMasking("""
              key_env: GATEHOUSE_MASKING_KEY
              detectors: [email, iban]
              strategies:
                default: partial
                email: pseudonym
                custom: redact
              categories:
                free-text: detect
                name: pseudonym
              custom_patterns:
                - name: order-ref
                  regex: 'ORD-[0-9]{8}'
              dictionaries:
                - name: vip-customer
                  terms: [Alice Example, Bob Example]
                - name: vip-file
                  file: vip.txt
            """ + "\n")
        let masking = try fixture.parse(yaml).masking
        #expect(masking.key == .environment("GATEHOUSE_MASKING_KEY"))
        #expect(masking.detectors == ["email", "iban"])
        #expect(masking.rules == MaskingRules(
            defaultStrategy: .partial, strategies: ["email": .pseudonym, "custom": .redact],
            categories: ["free-text": .detect, "name": .pseudonym]))
        #expect(masking.rules.detectOnlyCategories == ["free-text"])
        #expect(masking.customPatterns == [CustomPatternSettings(name: "order-ref", regex: "ORD-[0-9]{8}")])
        #expect(masking.dictionaries == [
            TermDictionarySettings(name: "vip-customer", terms: .inline(["Alice Example", "Bob Example"])),
            TermDictionarySettings(name: "vip-file", terms: .file(fixture.directory + "/vip.txt")),
        ])
        #expect(try masking.dictionaries[1].loadTerms() == ["Carol Example", "Dave Example"])
    }

    @Test func unknownKeyIsAnError() {
        fixture.expectError(
            withMasking("  strategy: {email: redact}\n"), line: 14, column: 3, keyPath: "masking.strategy",
            problem: "unknown key (expected one of key_env, key_file, detectors, phone_regions, strategies, categories, custom_patterns, dictionaries)")
    }

    @Test func keyEnvAndKeyFileAreMutuallyExclusive() {
        fixture.expectError(
            withMasking("  key_env: GATEHOUSE_MASKING_KEY\n  key_file: secrets/masking\n"), line: 15,
            keyPath: "masking.key_file", problem: "key_env and key_file are mutually exclusive")
    }

    @Test func keyEnvMustBeAVariableNameAndIsNeverEchoed() {
        guard let error = fixture.error(withMasking("  key_env: \"c2VjcmV0LWtleS1tYXRlcmlhbA==\"\n")) else { return }
        #expect(error.line == 14)
        #expect(error.keyPath == "masking.key_env")
        #expect(error.problem.contains("not the key itself"))
        #expect(!error.description.contains("c2VjcmV0"))
    }

    @Test func keyFileResolvesAgainstTheConfigDirectory() throws {
        let config = try fixture.parse(withMasking("  key_file: ./secrets/../secrets/masking.key\n"))
        #expect(config.masking.key == .file(fixture.directory + "/secrets/masking.key"))
    }

    @Test func detectorsMustBeBuiltInKinds() {
        fixture.expectError(
            withMasking("  detectors: [email, e-mail]\n"), line: 14, keyPath: "masking.detectors[1]",
            problem: "'e-mail' is not a built-in detector; expected one of email, payment-card, iban, us-ssn, phone, ipv4, ipv6, de-tax-id, nl-bsn, es-dni")
        fixture.expectError(
            withMasking("  detectors:\n    - email\n    - custom\n"), line: 16, keyPath: "masking.detectors[1]",
            problem: "'custom' is not a built-in detector (custom patterns and dictionaries always run)")
        fixture.expectError(
            withMasking("  detectors:\n    - phone\n    - phone\n"), line: 16, keyPath: "masking.detectors[1]",
            problem: "detector 'phone' is listed twice")
    }

    @Test func phoneRegionsAreRegionsWithANumberingPlan() throws {
        #expect(try fixture.parse(MinimalConfig.text).masking.phoneRegions == PhoneNumberingPlan.defaultRegionCodes)
        #expect(try fixture.parse(withMasking("  phone_regions: [PL, DE]\n")).masking.phoneRegions == ["PL", "DE"])
        #expect(try fixture.parse(withMasking("  phone_regions: []\n")).masking.phoneRegions.isEmpty)
        fixture.expectError(
            withMasking("  phone_regions: [DE, de]\n"), line: 14, keyPath: "masking.phone_regions[1]",
            problem: "'de' is not a region with a telephone numbering plan (two upper-case ISO 3166 letters, e.g. DE, NL, FR)")
        fixture.expectError(
            withMasking("  phone_regions:\n    - DE\n    - XX\n"), line: 16, keyPath: "masking.phone_regions[1]",
            problem: "'XX' is not a region with a telephone numbering plan")
        fixture.expectError(
            withMasking("  phone_regions:\n    - NL\n    - NL\n"), line: 16, keyPath: "masking.phone_regions[1]",
            problem: "region 'NL' is listed twice")
    }

    @Test func noBuiltInDetectorsIsAllowed() throws {
        #expect(try fixture.parse(withMasking("  detectors: []\n")).masking.detectors.isEmpty)
    }

    @Test func strategyKeysAreKindsOrDefault() {
        fixture.expectError(
            withMasking("  strategies:\n    default: redact\n    mail: partial\n"), line: 16, keyPath: "masking.strategies.mail",
            problem: "'mail' is not an identifier kind (expected one of default, email, payment-card, iban, us-ssn, phone, ipv4, ipv6, de-tax-id, nl-bsn, es-dni, fr-nir, it-codice-fiscale, pl-pesel, be-national-number, pt-nif, se-personnummer, dk-cpr, fi-hetu, at-svnr, uk-nino, ie-ppsn, custom)")
    }

    @Test func strategiesMustBeKnown() {
        fixture.expectError(
            withMasking("  strategies:\n    email: hash\n"), line: 15, keyPath: "masking.strategies.email",
            problem: "'hash' is not one of redact, partial, pseudonym")
        fixture.expectError(
            withMasking("  strategies:\n    default: detect\n"), line: 15, keyPath: "masking.strategies.default",
            problem: "'detect' is not one of redact, partial, pseudonym")
    }

    @Test func categoryTreatmentsMustBeKnown() {
        fixture.expectError(
            withMasking("  categories:\n    free-text: scan\n"), line: 15, keyPath: "masking.categories.free-text",
            problem: "'scan' is not one of redact, partial, pseudonym, detect")
        fixture.expectError(
            withMasking("  categories:\n    \"\": detect\n"), line: 15, keyPath: "masking.categories.",
            problem: "a category name must not be empty")
        fixture.expectError(
            withMasking("  categories: [free-text]\n"), line: 14, keyPath: "masking.categories",
            problem: "must be a mapping of keys to values, not a list")
    }

    @Test func regexMustCompileAndTheErrorNamesItsLine() {
        let yaml = withMasking("  custom_patterns:\n    - name: order-ref\n      regex: 'ORD-[0-9'\n")
        fixture.expectError(
            yaml, line: 16, column: 7, keyPath: "masking.custom_patterns[0].regex",
            problem: "does not compile as a regular expression: expected ']'")
        fixture.expectError(
            withMasking("  custom_patterns:\n    - name: order-ref\n      regex: \"\"\n"), line: 16,
            keyPath: "masking.custom_patterns[0].regex", problem: "must not be empty")
    }

    @Test func patternNeedsNameAndRegex() {
        fixture.expectError(
            withMasking("  custom_patterns:\n    - regex: 'ORD-[0-9]{8}'\n"), line: 15, keyPath: "masking.custom_patterns[0]",
            problem: "'name' is required")
        fixture.expectError(
            withMasking("  custom_patterns:\n    - name: order-ref\n"), line: 15, keyPath: "masking.custom_patterns[0]",
            problem: "'regex' is required")
        fixture.expectError(
            withMasking("  custom_patterns:\n    - name: order-ref\n      regex: x\n      kind: email\n"), line: 17,
            keyPath: "masking.custom_patterns[0].kind", problem: "unknown key (expected one of name, regex)")
    }

    @Test func namesAreNonEmptyWellFormedAndUniqueAcrossPatternsAndDictionaries() {
        fixture.expectError(
            withMasking("  custom_patterns:\n    - name: \"\"\n      regex: x\n"), line: 15,
            keyPath: "masking.custom_patterns[0].name", problem: "must not be empty")
        fixture.expectError(
            withMasking("  custom_patterns:\n    - name: order ref\n      regex: x\n"), line: 15,
            keyPath: "masking.custom_patterns[0].name", problem: "'order ref' must match [A-Za-z0-9_.-]+")
        fixture.expectError(
            withMasking("  custom_patterns:\n    - {name: ref, regex: a}\n    - {name: ref, regex: b}\n"), line: 16,
            keyPath: "masking.custom_patterns[1].name", problem: "name 'ref' is already used on line 15")
        let acrossKinds = """
              custom_patterns:
                - name: vip
                  regex: 'VIP-[0-9]+'
              dictionaries:
                - name: VIP
                  terms: [Alice Example]
            """ + "\n"
        fixture.expectError(
            withMasking(acrossKinds), line: 18, keyPath: "masking.dictionaries[0].name",
            problem: "name 'VIP' is already used on line 15")
    }

    @Test func dictionaryHasTermsOrFileNotBoth() throws {
        fixture.expectError(
            withMasking("  dictionaries:\n    - name: vip\n"), line: 15, keyPath: "masking.dictionaries[0]",
            problem: "needs 'terms' or 'file'")
        try fixture.write("Alice Example\n", to: "vip.txt")
        fixture.expectError(
            withMasking("  dictionaries:\n    - name: vip\n      terms: [Alice Example]\n      file: vip.txt\n"), line: 17,
            keyPath: "masking.dictionaries[0].file", problem: "terms and file are mutually exclusive")
        fixture.expectError(
            withMasking("  dictionaries:\n    - name: vip\n      terms: []\n"), line: 16,
            keyPath: "masking.dictionaries[0].terms", problem: "must list at least one term")
    }

    @Test func dictionaryFileMustExistAndHoldTerms() throws {
        fixture.expectError(
            withMasking("  dictionaries:\n    - name: vip\n      file: missing.txt\n"), line: 16,
            keyPath: "masking.dictionaries[0].file", problem: "file \(fixture.directory)/missing.txt does not exist")
        try fixture.write("\n  \n", to: "blank.txt")
        fixture.expectError(
            withMasking("  dictionaries:\n    - name: vip\n      file: blank.txt\n"), line: 16,
            keyPath: "masking.dictionaries[0].file", problem: "file \(fixture.directory)/blank.txt holds no terms")
    }

    @Test func connectionOverridesMergeOverTheGlobalRules() throws {
        let yaml = MinimalConfig.text + """
                masking:
                  strategies: {email: partial}
                  categories: {contact: redact}
              - name: reporting
                type: postgres
                upstream: {host: db2, database: bi, user: app}
                allowed_groups: [analysts]
            masking:
              strategies: {default: pseudonym, email: pseudonym, iban: partial}
              categories: {free-text: detect, contact: pseudonym}
            """ + "\n"
        let config = try fixture.parse(yaml)
        let demo = try #require(config.connection(named: "demo"))
        #expect(demo.masking == MaskingRules(strategies: ["email": .partial], categories: ["contact": .redact]))
        #expect(config.maskingRules(for: demo) == MaskingRules(
            defaultStrategy: .pseudonym, strategies: ["email": .partial, "iban": .partial],
            categories: ["free-text": .detect, "contact": .redact]))
        let reporting = try #require(config.connection(named: "reporting"))
        #expect(config.maskingRules(for: reporting) == config.masking.rules)
    }

    @Test func connectionMaskingOnlyOverridesStrategiesAndCategories() {
        fixture.expectError(
            MinimalConfig.text + "    masking:\n      detectors: [email]\n", line: 14, keyPath: "connections[0].masking.detectors",
            problem: "unknown key (expected one of strategies, categories)")
        fixture.expectError(
            MinimalConfig.text + "    masking:\n      strategies: {phone: shuffle}\n", line: 14,
            keyPath: "connections[0].masking.strategies.phone", problem: "'shuffle' is not one of redact, partial, pseudonym")
    }

    @Test func overridesMayChangeTheDefault() {
        let base = MaskingRules(defaultStrategy: .redact, strategies: ["email": .pseudonym], categories: ["free-text": .detect])
        let merged = base.merging(MaskingRules(defaultStrategy: .partial, categories: ["free-text": .redact]))
        #expect(merged == MaskingRules(defaultStrategy: .partial, strategies: ["email": .pseudonym], categories: ["free-text": .redact]))
        #expect(merged.detectOnlyCategories.isEmpty)
        #expect(base.merging(MaskingRules()) == base)
    }
}
