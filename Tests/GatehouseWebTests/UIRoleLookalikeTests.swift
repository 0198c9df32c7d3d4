import GatehouseCore
import Testing

@testable import GatehouseWeb

/// UI roles come from group names compared byte for byte: a lookalike group (KELVIN SIGN for
/// `K`) holds no role.
@Suite struct UIRoleLookalikeTests {
    @Test func aLookalikeGroupHoldsNoRole() {
        let rules = UIRoleRules(approverGroups: ["Kelvin-ops"], auditorGroups: ["audit"], adminGroups: ["root"])
        func roles(_ groups: [String]) -> Set<UIRole> {
            rules.roles(of: Principal(subject: "s", issuer: "https://issuer.example", groups: groups))
        }
        #expect(roles(["Kelvin-ops", "audit"]) == [.approver, .auditor])
        #expect(roles(["\u{212A}elvin-ops"]).isEmpty)
    }
}
