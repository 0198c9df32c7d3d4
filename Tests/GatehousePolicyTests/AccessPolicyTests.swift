import GatehouseCore
import GatehousePolicy
import Testing

@Suite struct AccessPolicyTests {
    let classification = DataClassification(tables: [
        .init(relation: RelationName(name: "customers"), category: nil, columns: ["email": "contact"]),
        .init(relation: RelationName(schema: "hr", name: "salaries"), category: "financial", columns: [:]),
    ])

    func policy(groups: [String] = ["engineers"]) -> AccessPolicy {
        AccessPolicy(connection: "shop", allowedGroups: groups, classification: classification)
    }

    func principal(_ groups: [String]) -> Principal {
        Principal(subject: "alice@example.com", issuer: "https://issuer.example", groups: groups)
    }

    @Test func admitsAMemberOfAnAllowedGroup() {
        #expect(policy().admit(principal(["sales", "engineers"])) == .allow)
    }

    @Test func refusesOutsidersAndSaysWhy() {
        let decision = policy().admit(principal(["sales"]))
        guard case .deny(let reason) = decision else { Issue.record("expected deny, got \(decision)"); return }
        #expect(reason.contains("alice@example.com"))
        #expect(reason.contains("'shop'"))
        #expect(reason.contains("engineers"))
    }

    @Test func noAllowedGroupsAdmitsNobody() {
        #expect(!policy(groups: []).admit(principal(["engineers"])).isAllowed)
        #expect(!policy().admit(principal([])).isAllowed)
    }

    @Test func statementsOfOutsidersAreRefused() {
        let request = AccessRequest(principal: principal(["sales"]), connection: "shop", accessProtocol: .postgres)
        #expect(!policy().decide(request).isAllowed)
        let member = AccessRequest(principal: principal(["engineers"]), connection: "shop", accessProtocol: .postgres)
        #expect(policy().decide(member).isAllowed)
    }

    @Test func classifiedRelationsAndUnanalysableStatementsTouchPersonalData() {
        let p = policy()
        #expect(p.touchesPersonalData(StatementAnalysis(text: "", kind: .select, reads: [RelationName(schema: "public", name: "customers")])))
        #expect(p.touchesPersonalData(StatementAnalysis(text: "", kind: .select, reads: [RelationName(schema: "hr", name: "salaries")])))
        #expect(!p.touchesPersonalData(StatementAnalysis(text: "", kind: .select, reads: [RelationName(schema: "public", name: "salaries")])))
        // Unqualified, the search path may find hr.salaries.
        #expect(p.touchesPersonalData(StatementAnalysis(text: "", kind: .select, reads: [RelationName(name: "salaries")])))
        #expect(!p.touchesPersonalData(StatementAnalysis(text: "", kind: .select, reads: [RelationName(name: "products")])))
        #expect(p.touchesPersonalData(StatementAnalysis(text: "DO $$ $$", kind: .doBlock, analysable: false)))
    }
}
