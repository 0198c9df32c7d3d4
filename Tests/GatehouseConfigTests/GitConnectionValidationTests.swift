import GatehousePolicy
import Testing

@testable import GatehouseConfig

/// `connections` entries of `type: git`: upstream and its credential, repository patterns, push rules.
@Suite struct GitConnectionValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// MinimalConfig with a git connection appended to `connections`; its keys start on line 13.
    func withGit(_ entry: String) -> String {
        MinimalConfig.text + entry
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try fixture.parse(withGit("""
              - name: code
                type: git
                upstream:
                  url: "https://dev.azure.com/contoso/"
                  authentication: basic
                  username: svc
                  token_env: AZDO_PAT
                allowed_groups: [engineers]
                push:
                  branches: ["agent/*"]
                  tags: true
                  allow_force: true
                  scan: off
                retention_days: 30

            """))
        #expect(configuration.connections.map(\.name) == ["demo"])
        #expect(configuration.gitConnections == [GitConnectionConfiguration(
            name: "code",
            upstream: GitUpstream(url: "https://dev.azure.com/contoso", authentication: .basic, username: "svc", token: .environment("AZDO_PAT")),
            allowedGroups: ["engineers"],
            push: GitPushRules(branches: ["agent/*"], tags: true, allowForce: true, scan: .off), retentionDays: 30)])
        let defaults = try fixture.parse(withGit("""
              - {name: code, type: git, upstream: {url: "http://127.0.0.1:9000", authentication: none}, allowed_groups: [engineers]}

            """))
        #expect(defaults.gitConnections.first?.push == GitPushRules())
        #expect(defaults.gitConnections.first?.push.scan == .reject)
        #expect(defaults.gitConnections.first?.approval == ApprovalRules(mode: .never))
    }

    @Test func classifiedRepositoriesAndApprovalAreRead() throws {
        let configuration = try fixture.parse(withGit("""
              - name: code
                type: git
                upstream: {url: "https://git.example.com", token_env: T}
                allowed_groups: [engineers]
                push: {scan: hold}
                personal_data_repositories:
                  - {path: "hr/**", categories: [employee]}
                  - {path: "crm/exports.git", approve: [push]}
                approval: {approver_groups: [dpo], hold_seconds: 120, max_grant_minutes: 15, break_glass_groups: [oncall]}

            """))
        let git = try #require(configuration.gitConnections.first)
        #expect(git.push.scan == .hold)
        #expect(git.personalDataRepositories == [
            PersonalDataRepository(pattern: "hr/**", categories: ["employee"]),
            PersonalDataRepository(pattern: "crm/exports.git", operations: [.push]),
        ])
        #expect(git.approval == ApprovalRules(mode: .personalData, approverGroups: ["dpo"], breakGlassGroups: ["oncall"],
                                              holdTimeoutSeconds: 120, maximumGrantMinutes: 15))
        #expect(configuration.approvalRulesByConnection["code"] == git.approval)
        #expect(configuration.approverGroups.contains("dpo"))
    }

    @Test func mistakesAreLocated() {
        fixture.expectError(withGit("  - {name: demo, type: git, upstream: {url: \"https://x.example\", token_env: T}, allowed_groups: [a]}\n"),
                            line: 13, keyPath: "connections[1].name", problem: "already used on line 6")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"http://git.example.com\", token_env: T}, allowed_groups: [a]}\n"),
                            line: 13, keyPath: "connections[1].upstream.url", problem: "must use https")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://u:p@git.example.com\", token_env: T}, allowed_groups: [a]}\n"),
                            line: 13, keyPath: "connections[1].upstream.url", problem: "without credentials")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://git.example.com\"}, allowed_groups: [a]}\n"),
                            line: 13, keyPath: "connections[1].upstream", problem: "needs token_env or token_file")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://git.example.com\", token_env: T}, allowed_groups: [a], masking: {}}\n"),
                            line: 13, keyPath: "connections[1].masking", problem: "unknown key")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://git.example.com\", token_env: T}, allowed_groups: [a], push: {scan: later}}\n"),
                            line: 13, keyPath: "connections[1].push.scan", problem: "'later' is not one of reject, hold, off")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://git.example.com\", token_env: T}, allowed_groups: [a], push: {scan: hold}}\n"),
                            line: 13, keyPath: "connections[1].push", problem: "scan: hold needs approval.approver_groups")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://git.example.com\", token_env: T}, allowed_groups: [a], approval: {require_for_kinds: [ddl]}}\n"),
                            line: 13, keyPath: "connections[1].approval.require_for_kinds", problem: "unknown key")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://git.example.com\", token_env: T}, allowed_groups: [a], personal_data_repositories: [{path: \"/hr\"}]}\n"),
                            line: 13, keyPath: "connections[1].personal_data_repositories[0].path", problem: "relative path pattern")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://git.example.com\", token_env: T}, allowed_groups: [a], personal_data_repositories: [{path: hr, approve: [clone]}]}\n"),
                            line: 13, keyPath: "connections[1].personal_data_repositories[0].approve[0]", problem: "'clone' is not one of fetch, push")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://git.example.com\", token_env: T}, allowed_groups: [a], personal_data_repositories: []}\n"),
                            line: 13, keyPath: "connections[1].personal_data_repositories", problem: "must list at least one repository")
        fixture.expectError(withGit("  - {name: code, type: git, upstream: {url: \"https://git.example.com\", token_env: T}, allowed_groups: [a], push: {branches: [\"../x\"]}}\n"),
                            line: 13, keyPath: "connections[1].push.branches[0]", problem: "without '..'")
    }
}
