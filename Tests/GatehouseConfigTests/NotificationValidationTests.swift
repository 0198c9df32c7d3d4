import Testing

@testable import GatehouseConfig

/// The `notifications` list: targets by kind, where their URL and secret come from, located errors.
@Suite struct NotificationValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// MinimalConfig with a `notifications:` list on line 13, its entries from line 14 on.
    func withNotifications(_ entries: String) -> String {
        MinimalConfig.text + "notifications:\n" + entries
    }

    @Test func targetsAreRead() throws {
        let configuration = try fixture.parse(withNotifications("""
              - {name: ops, kind: webhook, url: "https://hooks.example.com/g", secret_env: HOOK_SECRET}
              - {name: dpo, kind: slack, url_env: SLACK_URL}
              - {name: teams, kind: teams, url_file: teams-url}

            """))
        #expect(configuration.notifications == [
            NotificationConfiguration(name: "ops", kind: "webhook", url: .inline("https://hooks.example.com/g"), secret: .environment("HOOK_SECRET")),
            NotificationConfiguration(name: "dpo", kind: "slack", url: .secret(.environment("SLACK_URL")), secret: nil),
            NotificationConfiguration(name: "teams", kind: "teams", url: .secret(.file(fixture.directory + "/teams-url")), secret: nil),
        ])
        #expect(try fixture.parse(MinimalConfig.text).notifications.isEmpty)
    }

    @Test func mistakesAreLocated() {
        fixture.expectError(withNotifications("  - {name: a, kind: email, url: \"https://x\"}\n"), line: 14, keyPath: "notifications[0].kind",
                            problem: "'email' is not one of webhook, slack, teams")
        fixture.expectError(withNotifications("  - {name: a, kind: webhook, url: \"https://x\"}\n"), line: 14, keyPath: "notifications[0]",
                            problem: "a webhook needs secret_env or secret_file")
        fixture.expectError(withNotifications("  - {name: a, kind: slack, url: \"https://x\", secret_env: S}\n"), line: 14,
                            keyPath: "notifications[0]", problem: "only a webhook is signed")
        fixture.expectError(withNotifications("  - {name: a, kind: slack}\n"), line: 14, keyPath: "notifications[0]",
                            problem: "needs url, url_env or url_file")
        fixture.expectError(withNotifications("  - {name: a, kind: slack, url: \"https://x\", url_env: U}\n"), line: 14,
                            keyPath: "notifications[0]", problem: "mutually exclusive")
        fixture.expectError(withNotifications("  - {name: a, kind: slack, url: \"https://x\"}\n  - {name: A, kind: teams, url: \"https://y\"}\n"),
                            line: 15, keyPath: "notifications[1].name", problem: "already used on line 14")
    }
}
