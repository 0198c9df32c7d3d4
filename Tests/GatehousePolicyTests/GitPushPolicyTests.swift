import Testing

@testable import GatehousePolicy

@Suite struct PathPatternTests {
    @Test func starsStayWithinASegmentAndDoubleStarsCrossThem() {
        #expect(PathPattern("agent/*").matches("agent/fix-1"))
        #expect(!PathPattern("agent/*").matches("agent/a/b"))
        #expect(PathPattern("agent/**").matches("agent/a/b"))
        #expect(PathPattern("**").matches("main") && PathPattern("**").matches("a/b/c"))
        #expect(PathPattern("crm/*.git").matches("crm/customers.git"))
        #expect(!PathPattern("crm/*.git").matches("crm/customers.git/extra"))
        #expect(PathPattern("main").matches("main") && !PathPattern("main").matches("main2"))
        #expect(PathPattern("*").matches(""))  // `*` may match nothing
        #expect(PathPattern("a*b*c").matches("aXXbYYc") && !PathPattern("a*b*c").matches("aXXbYY"))
    }
}

@Suite struct GitPushPolicyTests {
    let policy = GitPushPolicy(branches: ["agent/*", "feature/**"], tags: false, allowForce: false)

    func change(_ ref: String, create: Bool = false, delete: Bool = false, fastForward: Bool = true) -> GitPushPolicy.RefChange {
        GitPushPolicy.RefChange(ref: ref, isCreate: create, isDelete: delete, isFastForward: fastForward)
    }

    @Test func branchesOutsideThePatternsAreRefusedWithTheReason() {
        #expect(policy.refusal(of: change("refs/heads/agent/fix-1", create: true)) == nil)
        #expect(policy.refusal(of: change("refs/heads/feature/a/b")) == nil)
        let main = policy.refusal(of: change("refs/heads/main"))
        #expect(main?.contains("branch main is not one agents may push to") == true)
        #expect(main?.contains("agent/*, feature/**") == true)
    }

    @Test func forcedUpdatesTagsAndOtherRefs() {
        #expect(policy.refusal(of: change("refs/heads/agent/x", fastForward: false))?.contains("not a fast-forward") == true)
        #expect(policy.refusal(of: change("refs/heads/agent/x", delete: true, fastForward: false)) == nil)
        let forcing = GitPushPolicy(branches: ["**"], tags: true, allowForce: true)
        #expect(forcing.refusal(of: change("refs/heads/main", fastForward: false)) == nil)
        #expect(policy.refusal(of: change("refs/tags/v1", create: true))?.contains("tags") == true)
        #expect(forcing.refusal(of: change("refs/tags/v1", create: true)) == nil)
        #expect(forcing.refusal(of: change("refs/tags/v1"))?.contains("only be created") == true)
        #expect(forcing.refusal(of: change("refs/notes/commits", create: true))?.contains("only branches and tags") == true)
    }
}
