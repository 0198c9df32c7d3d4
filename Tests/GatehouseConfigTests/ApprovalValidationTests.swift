import GatehouseCore
import GatehousePolicy
import Testing

@testable import GatehouseConfig

/// A connection's `approval` section: defaults by classification, each key, located errors.
@Suite struct ApprovalValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// MinimalConfig with an `approval:` section on line 13, its keys from line 14 on.
    func withApproval(_ keys: String) -> String {
        MinimalConfig.text + "    approval:\n" + keys
    }

    @Test func defaultsFollowTheClassification() throws {
        let plain = try fixture.parse(MinimalConfig.text).connections[0].approval
        #expect(plain == ApprovalRules(mode: .never))
        let classified = try fixture.parse(MinimalConfig.text + "    personal_data:\n      - table: customers\n        category: contact\n")
        #expect(classified.connections[0].approval == ApprovalRules(mode: .personalData))
    }

    @Test func everyKeyIsRead() throws {
        let rules = try fixture.parse(withApproval("""
                  mode: always
                  approver_groups: [dpo, security]
                  minimum_approvals: 2
                  break_glass_groups: [incident]
                  require_for_kinds: [ddl, delete]
                  hold_seconds: 30
                  max_grant_minutes: 15

            """)).connections[0].approval
        #expect(rules == ApprovalRules(mode: .always, approverGroups: ["dpo", "security"], minimumApprovals: 2, breakGlassGroups: ["incident"],
                                       kindsRequiringApproval: [.ddl, .delete], holdTimeoutSeconds: 30, maximumGrantMinutes: 15))
    }

    @Test func mistakesAreLocated() {
        fixture.expectError(withApproval("      mode: sometimes\n"), line: 14, keyPath: "connections[0].approval.mode", problem: "not one of")
        fixture.expectError(withApproval("      minimum_approvals: 0\n"), line: 14, keyPath: "connections[0].approval.minimum_approvals",
                            problem: "out of range (1 to 10)")
        fixture.expectError(withApproval("      require_for_kinds: [drop]\n"), line: 14, keyPath: "connections[0].approval.require_for_kinds[0]",
                            problem: "not one of")
        fixture.expectError(withApproval("      approver_groups: [dpo]\n      break_glass_groups: [dpo]\n"), line: 15,
                            keyPath: "connections[0].approval.break_glass_groups", problem: "is also an approver group")
        fixture.expectError(withApproval("      approvers: [dpo]\n"), line: 14, keyPath: "connections[0].approval.approvers", problem: "unknown key")
    }
}
