import GatehouseCore
import Testing

@testable import GatehousePolicy

@Suite struct KubeApprovalTriggerTests {
    let agent = Principal(subject: "agent-zed", issuer: "https://issuer.example", groups: ["engineers"])
    let oncall = Principal(subject: "sam", issuer: "https://issuer.example", groups: ["engineers", "oncall"])

    func trigger(_ mode: ApprovalMode, breakGlass: [String] = []) -> KubeApprovalTrigger {
        KubeApprovalTrigger(rules: ApprovalRules(mode: mode, approverGroups: ["dpo"], breakGlassGroups: breakGlass))
    }

    @Test func aClassifiedPodHoldsExecAndLogs() throws {
        let exec = try #require(trigger(.personalData).need(pod: "shop/billing-0", operation: "exec", categories: ["financial"]))
        #expect(exec.reasons == ["exec reaches shop/billing-0, classified as holding personal data (financial)"])
        #expect(exec.scope.pods == ["shop/billing-0"] && exec.scope.kubeOperations == ["exec"] && exec.scope.categories == ["financial"])
        #expect(exec.scope.relations.isEmpty && exec.scope.blobs.isEmpty && exec.scope.repositories.isEmpty)
        #expect(trigger(.personalData).need(pod: "shop/web-0", operation: "logs", categories: []) == nil)
    }

    @Test func modesAndBreakGlass() {
        #expect(trigger(.never).need(pod: "shop/billing-0", operation: "exec", categories: ["financial"]) == nil)
        #expect(trigger(.always).need(pod: "shop/web-0", operation: "logs", categories: []) != nil)
        guard case .proceedByBreakGlass(let group, _) = trigger(.personalData, breakGlass: ["oncall"]).evaluate(
            pod: "shop/billing-0", operation: "exec", categories: ["financial"], by: oncall) else {
            Issue.record("break-glass not applied")
            return
        }
        #expect(group == "oncall")
        guard case .needsApproval = trigger(.personalData, breakGlass: ["oncall"]).evaluate(
            pod: "shop/billing-0", operation: "exec", categories: ["financial"], by: agent) else {
            Issue.record("an agent skipped approval")
            return
        }
    }
}
