import Testing

@testable import GatehouseConfig

/// The `web` section: the public URL, sign-in through one of the configured issuers, role groups.
@Suite struct WebValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// MinimalConfig with an issuer, then a `web:` section on line 16, its keys from line 17 on.
    func withWeb(_ section: String) -> String {
        let issuers = """
            data_dir: data
            identity:
              issuers:
                - issuer: "https://login.example.com/tenant/v2.0"
                  audiences: [gatehouse]

            """
        return issuers + MinimalConfig.connections + "\nweb:\n" + section
    }

    @Test func defaultsDeriveTheURLFromTheListener() throws {
        let configuration = try fixture.parse(MinimalConfig.text)
        #expect(configuration.web == WebConfiguration())
        #expect(configuration.publicBaseURL == "http://127.0.0.1:8080")
        #expect(configuration.approvalPageURL(requestID: "apr_1") == "http://127.0.0.1:8080/ui/approvals/apr_1")
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try fixture.parse(withWeb("""
              public_url: "https://gatehouse.example.com/"
              login:
                issuer: "https://login.example.com/tenant/v2.0"
                client_id: ui-client
                client_secret_env: UI_SECRET
                scopes: [openid, profile]
              admin_groups: [gh-admins]
              auditor_groups: [dpo, audit]
              session_minutes: 60

            """))
        #expect(configuration.web == WebConfiguration(
            publicURL: "https://gatehouse.example.com",
            login: WebLoginConfiguration(issuer: "https://login.example.com/tenant/v2.0", clientID: "ui-client",
                                         clientSecret: .environment("UI_SECRET"), scopes: ["openid", "profile"]),
            adminGroups: ["gh-admins"], auditorGroups: ["dpo", "audit"], sessionMinutes: 60))
        #expect(configuration.approvalPageURL(requestID: "apr_2") == "https://gatehouse.example.com/ui/approvals/apr_2")
    }

    @Test func mistakesAreLocated() {
        fixture.expectError(withWeb("  public_url: \"http://gatehouse.example.com\"\n"), line: 15, keyPath: "web.public_url",
                            problem: "must use https")
        fixture.expectError(withWeb("  public_url: \"https://gatehouse.example.com/?a=b\"\n"), line: 15, keyPath: "web.public_url",
                            problem: "must not have a query")
        fixture.expectError(withWeb("  login: {issuer: \"https://elsewhere.example.com\", client_id: ui}\n"), line: 15,
                            keyPath: "web.login.issuer", problem: "is not one of identity.issuers (https://login.example.com/tenant/v2.0)")
        fixture.expectError(withWeb("  login: {issuer: \"https://login.example.com/tenant/v2.0\"}\n"), line: 15, keyPath: "web.login",
                            problem: "client_id")
        fixture.expectError(withWeb("  login: {issuer: \"https://login.example.com/tenant/v2.0\", client_id: ui, scopes: [profile]}\n"),
                            line: 15, keyPath: "web.login.scopes", problem: "must include 'openid'")
        fixture.expectError(withWeb("  session_minutes: 2\n"), line: 15, keyPath: "web.session_minutes", problem: "5")
        fixture.expectError(withWeb("  auditor_groups: []\n"), line: 15, keyPath: "web.auditor_groups", problem: "at least one group")
        fixture.expectError(withWeb("  colour: blue\n"), line: 15, keyPath: "web.colour", problem: "unknown key")
    }
}
