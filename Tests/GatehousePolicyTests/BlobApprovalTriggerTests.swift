import GatehouseCore
import Testing

@testable import GatehousePolicy

@Suite struct BlobApprovalTriggerTests {
    let agent = Principal(subject: "agent-zed", issuer: "https://issuer.example", groups: ["engineers"])
    let oncall = Principal(subject: "sam", issuer: "https://issuer.example", groups: ["engineers", "oncall"])
    let paths = [(container: PathPattern("exports"), blobs: PathPattern("customers/**"), category: "contact"),
                 (container: PathPattern("hr-*"), blobs: PathPattern("**"), category: "hr-record")]

    func trigger(_ mode: ApprovalMode, breakGlass: [String] = []) -> BlobApprovalTrigger {
        BlobApprovalTrigger(rules: ApprovalRules(mode: mode, approverGroups: ["dpo"], breakGlassGroups: breakGlass), classifiedPaths: paths)
    }

    @Test func aClassifiedPathHoldsReadsAndWrites() throws {
        let read = try #require(trigger(.personalData).need(container: "exports", blob: "customers/a.json",
                                                           displayedPath: "exports/customers/a.json", operation: "get-blob", writes: false))
        #expect(read.reasons == ["get-blob reads exports/customers/a.json, classified as holding personal data by exports/customers/** (contact)"])
        #expect(read.scope.blobs == ["exports/customers/a.json"] && read.scope.blobOperations == ["get-blob"])
        #expect(read.scope.categories == ["contact"] && read.scope.relations.isEmpty && read.scope.repositories.isEmpty)
        let write = try #require(trigger(.personalData).need(container: "hr-eu", blob: "x.pdf", displayedPath: "hr-eu/x.pdf",
                                                            operation: "put-blob", writes: true))
        #expect(write.reasons.first?.hasPrefix("put-blob writes hr-eu/x.pdf") == true)
        #expect(trigger(.personalData).need(container: "exports", blob: "products/a.json", displayedPath: "exports/products/a.json",
                                            operation: "get-blob", writes: false) == nil)
    }

    @Test func modesAndBreakGlass() {
        let args = (container: "exports", blob: "products/a.json", displayed: "exports/products/a.json")
        #expect(trigger(.never).need(container: "exports", blob: "customers/a.json", displayedPath: "x", operation: "get-blob", writes: false) == nil)
        #expect(trigger(.always).need(container: args.container, blob: args.blob, displayedPath: args.displayed, operation: "get-blob",
                                      writes: false) != nil)
        let outcome = trigger(.personalData, breakGlass: ["oncall"]).evaluate(
            container: "exports", blob: "customers/a.json", displayedPath: "exports/customers/a.json", operation: "get-blob", writes: false,
            by: oncall)
        guard case .proceedByBreakGlass(let group, _) = outcome else { Issue.record("break-glass not applied: \(outcome)"); return }
        #expect(group == "oncall")
        guard case .needsApproval = trigger(.personalData, breakGlass: ["oncall"]).evaluate(
            container: "exports", blob: "customers/a.json", displayedPath: "exports/customers/a.json", operation: "get-blob", writes: false,
            by: agent) else { Issue.record("an agent skipped approval"); return }
        #expect(BlobApprovalTrigger.defaultMode(classifiedPaths: 0) == .never && BlobApprovalTrigger.defaultMode(classifiedPaths: 2) == .personalData)
    }
}
