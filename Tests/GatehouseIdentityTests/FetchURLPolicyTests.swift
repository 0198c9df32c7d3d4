import Testing

@testable import GatehouseIdentity

@Suite struct FetchURLPolicyTests {
    @Test(arguments: [
        "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
        "https://idp.example.test:8443/jwks",
        "http://127.0.0.1:8080/jwks",
        "http://127.255.0.9/jwks",
        "http://localhost/jwks",
        "http://LOCALHOST:9400/jwks",
        "http://[::1]:8080/jwks",
    ])
    func allows(url: String) {
        #expect((try? FetchURLPolicy.check(url).get()) != nil)
    }

    @Test(arguments: [
        "http://idp.example.test/jwks",
        "http://128.0.0.1/jwks",
        "http://127.0.0.1.evil.test/jwks",
        "http://localhost.evil.test/jwks",
        "http://127.1/jwks",
        "http://0x7f.0.0.1/jwks",
        "http://127.0.0.256/jwks",
        "http://[::2]/jwks",
        "http://localhost@evil.test/jwks",
        "ftp://127.0.0.1/jwks",
        "file:///etc/passwd",
        "/jwks",
        "not a url",
        "",
    ])
    func refuses(url: String) {
        #expect((try? FetchURLPolicy.check(url).get()) == nil)
    }
}
