import GatehouseCore
import Testing

@testable import GatehousePolicy

@Suite struct GitApprovalTriggerTests {
    let agent = Principal(subject: "agent-zed", issuer: "https://issuer.example", groups: ["engineers"])
    let oncall = Principal(subject: "sam", issuer: "https://issuer.example", groups: ["engineers", "oncall"])
    let repositories = [
        PersonalDataRepository(pattern: "hr/**", categories: ["employee"]),
        PersonalDataRepository(pattern: "crm/exports.git", categories: ["contact"], operations: [.push]),
    ]

    func trigger(_ mode: ApprovalMode, breakGlass: [String] = []) -> GitApprovalTrigger {
        GitApprovalTrigger(rules: ApprovalRules(mode: mode, approverGroups: ["dpo"], breakGlassGroups: breakGlass),
                           repositories: repositories)
    }

    @Test func aClassifiedRepositoryHoldsTheOperationsItNames() throws {
        let fetch = try #require(trigger(.personalData).need(repository: "hr/payroll/people.git", operation: .fetch))
        #expect(fetch.reasons == ["fetches from hr/payroll/people.git, classified as holding personal data by pattern hr/** (employee)"])
        #expect(fetch.scope.repositories == ["hr/payroll/people.git"] && fetch.scope.gitOperations == [.fetch])
        #expect(fetch.scope.categories == ["employee"] && fetch.scope.relations.isEmpty)
        // crm/exports.git holds pushes only.
        #expect(trigger(.personalData).need(repository: "crm/exports.git", operation: .fetch) == nil)
        #expect(trigger(.personalData).need(repository: "crm/exports.git", operation: .push)?.reasons.first?.hasPrefix("pushes to crm/exports.git") == true)
        #expect(trigger(.personalData).need(repository: "team/app.git", operation: .push) == nil)
    }

    @Test func modesAndExtraReasons() {
        #expect(trigger(.always).need(repository: "team/app.git", operation: .fetch)?.reasons
            == ["approval is required for every fetch and push on this connection"])
        #expect(trigger(.never).need(repository: "hr/people.git", operation: .fetch) == nil)
        // A scan finding holds the push in every mode.
        let held = trigger(.never).need(repository: "team/app.git", operation: .push, extraReasons: ["push scan: 1 email"])
        #expect(held?.reasons == ["push scan: 1 email"] && held?.scope.repositories == ["team/app.git"])
    }

    @Test func breakGlassProceedsAndSaysWhy() {
        let trigger = trigger(.personalData, breakGlass: ["oncall"])
        #expect(trigger.evaluate(repository: "hr/people.git", operation: .fetch, by: agent).need != nil)
        guard case .proceedByBreakGlass(let group, let need) = trigger.evaluate(repository: "hr/people.git", operation: .fetch, by: oncall)
        else { Issue.record("expected break-glass"); return }
        #expect(group == "oncall" && need.scope.repositories == ["hr/people.git"])
        #expect(trigger.evaluate(repository: "team/app.git", operation: .fetch, by: agent) == .proceed)
    }

    @Test func theDefaultModeFollowsTheClassification() {
        #expect(GitApprovalTrigger.defaultMode(for: repositories) == .personalData)
        #expect(GitApprovalTrigger.defaultMode(for: []) == .never)
    }

    @Test func aPurposeHeaderIsNormalisedLikeOtherPurposes() {
        #expect(Purpose.fromHeader("  HR-42\tfix the\nexport ") == Purpose(text: "HR-42 fix the export", source: .httpHeader))
        #expect(Purpose.fromHeader("   ") == nil && Purpose.fromHeader(nil) == nil)
        #expect(Purpose.fromHeader(String(repeating: "x", count: 500))?.text.count == Purpose.maximumLength)
    }
}
