import GatehouseCore
import GatehousePolicy
import Testing

/// Group names, issuers and subjects compare byte for byte: Swift's `String ==` is canonical
/// equivalence, under which KELVIN SIGN is `K` and a precomposed `é` is `e` + U+0301.
@Suite struct LookalikeIdentifierTests {
    static let kelvin = "\u{212A}elvin-ops"      // KELVIN SIGN, canonically equivalent to "Kelvin-ops"
    static let decomposed = "re\u{0301}seau"       // e + COMBINING ACUTE ACCENT
    static let precomposed = "r\u{00E9}seau"       // é

    @Test func swiftWouldHaveTakenThemForTheSame() {
        // The premise: without the byte comparison these would match.
        #expect(Self.kelvin == "Kelvin-ops")
        #expect(Self.decomposed == Self.precomposed)
        #expect(!ExactIdentifier.same(Self.kelvin, "Kelvin-ops"))
        #expect(!ExactIdentifier.same(Self.decomposed, Self.precomposed))
        #expect(ExactIdentifier.same("Kelvin-ops", "Kelvin-ops"))
    }

    func principal(_ groups: [String], subject: String = "alice") -> Principal {
        Principal(subject: subject, issuer: "https://issuer.example", groups: groups)
    }

    @Test func aLookalikeGroupIsNotAdmitted() {
        let policy = AccessPolicy(connection: "shop", allowedGroups: ["Kelvin-ops", Self.precomposed], classification: DataClassification())
        #expect(policy.admit(principal(["Kelvin-ops"])) == .allow)
        #expect(policy.admit(principal([Self.precomposed])) == .allow)
        #expect(policy.admit(principal([Self.kelvin])) != .allow)
        #expect(policy.admit(principal([Self.decomposed])) != .allow)
    }

    @Test func aLookalikeGroupIsNeitherApproverNorBreakGlass() {
        let rules = ApprovalRules(mode: .personalData, approverGroups: ["Kelvin-ops"], breakGlassGroups: [Self.precomposed])
        #expect(rules.isApprover(principal(["Kelvin-ops"])))
        #expect(!rules.isApprover(principal([Self.kelvin])))
        #expect(rules.breakGlassGroup(of: principal([Self.precomposed])) == Self.precomposed)
        #expect(rules.breakGlassGroup(of: principal([Self.decomposed])) == nil)
    }
}
