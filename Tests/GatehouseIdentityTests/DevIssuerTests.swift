import Crypto
import Foundation
import Testing

@testable import GatehouseIdentity

@Suite struct DevIssuerTests {
    @Test func createsThePrivateKeyFileWithOwnerOnlyPermissionsAndReusesIt() throws {
        let directory = try TemporaryDirectory()
        let dataDirectory = directory.path + "/data"
        let first = try DevIssuer.loadOrCreate(directory: dataDirectory, issuerURL: "http://127.0.0.1:8080", audience: "gatehouse")
        let keyPath = dataDirectory + "/dev-issuer-key.pem"
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8).contains("PRIVATE KEY"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dataDirectory)
        #expect(files == ["dev-issuer-key.pem"], "no temporary files may be left behind")

        let second = try DevIssuer.loadOrCreate(directory: dataDirectory, issuerURL: "http://127.0.0.1:8080", audience: "gatehouse")
        #expect(second.keyID == first.keyID)
        #expect(second.jwksDocument() == first.jwksDocument())
    }

    @Test func refusesAKeyFileOthersCanRead() throws {
        let directory = try TemporaryDirectory()
        _ = try DevIssuer.loadOrCreate(directory: directory.path, issuerURL: "http://127.0.0.1", audience: "gatehouse")
        let keyPath = directory.path + "/dev-issuer-key.pem"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
        #expect(throws: DevIssuerError.keyFileNotPrivate(path: keyPath, mode: "644")) {
            try DevIssuer.loadOrCreate(directory: directory.path, issuerURL: "http://127.0.0.1", audience: "gatehouse")
        }
    }

    @Test func refusesAKeyFileThatIsNotAKey() throws {
        let directory = try TemporaryDirectory()
        let keyPath = directory.path + "/dev-issuer-key.pem"
        _ = FileManager.default.createFile(atPath: keyPath, contents: Data("not a key".utf8), attributes: [.posixPermissions: 0o600])
        #expect(throws: DevIssuerError.self) {
            try DevIssuer.loadOrCreate(directory: directory.path, issuerURL: "http://127.0.0.1", audience: "gatehouse")
        }
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == "not a key", "an unusable file must not be overwritten")
    }

    @Test func keyIDIsTheRFC7638ThumbprintOfThePublishedKey() throws {
        let (issuer, _) = makeDevIssuerSetup()
        let document = try #require(JSONSerialization.jsonObject(with: Data(issuer.jwksDocument())) as? [String: Any])
        let keys = try #require(document["keys"] as? [[String: String]])
        #expect(keys.count == 1)
        let key = keys[0]
        #expect(key["kty"] == "EC")
        #expect(key["crv"] == "P-256")
        #expect(key["alg"] == "ES256")
        #expect(key["use"] == "sig")
        #expect(key["d"] == nil, "the private key must never be published")
        let canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"\(key["x"]!)\",\"y\":\"\(key["y"]!)\"}"
        #expect(key["kid"] == Base64URL.encode(SHA256.hash(data: Data(canonical.utf8))))
        #expect(key["kid"] == issuer.keyID)
    }

    @Test func discoveryDocumentPointsAtTheJWKS() throws {
        let (issuer, _) = makeDevIssuerSetup(issuerURL: "http://127.0.0.1:8080")
        let document = try #require(JSONSerialization.jsonObject(with: Data(issuer.discoveryDocument())) as? [String: Any])
        #expect(document["issuer"] as? String == "http://127.0.0.1:8080")
        #expect(document["jwks_uri"] as? String == "http://127.0.0.1:8080/jwks")
        #expect(document["id_token_signing_alg_values_supported"] as? [String] == ["ES256"])
        #expect(issuer.issuerConfiguration.effectiveDiscoveryURL == "http://127.0.0.1:8080/.well-known/openid-configuration")
    }

    @Test func mintedTokensValidateWithTheIssuerConfiguration() async throws {
        let (issuer, provider) = makeDevIssuerSetup()
        let clock = TestClock()
        let validator = makeValidator([issuer.issuerConfiguration], provider: provider, clock: clock)
        let token = try issuer.mintToken(
            subject: "alice", groups: ["engineers", "dba"], ttlSeconds: 600, username: "alice@example.test",
            agentApplication: "claude-code", now: clock.date)
        let principal = try await validator.validate(token)
        #expect(principal.subject == "alice")
        #expect(principal.issuer == issuer.issuerURL)
        #expect(principal.username == "alice@example.test")
        #expect(principal.agentApplication == "claude-code")
        #expect(principal.groups == ["engineers", "dba"])

        clock.advance(by: 600 + 60)
        #expect(await refusal(validator, token) == .expired, "ttl plus the default 60 s leeway has passed")
    }

    @Test func refusesNonsenseMintRequests() {
        let (issuer, _) = makeDevIssuerSetup()
        #expect(throws: DevIssuerError.self) { try issuer.mintToken(subject: "alice", groups: [], ttlSeconds: 0) }
        #expect(throws: DevIssuerError.self) { try issuer.mintToken(subject: "", groups: [], ttlSeconds: 60) }
    }
}
