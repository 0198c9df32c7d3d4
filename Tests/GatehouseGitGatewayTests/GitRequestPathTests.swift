import Foundation
import Testing

@testable import GatehouseGitGateway

@Suite struct GitRequestPathTests {
    @Test func smartHTTPEndpointsSplitIntoConnectionRepositoryAndEndpoint() {
        let refs = GitRequestPath(path: "/git/code/team/app.git/info/refs")
        #expect(refs == GitRequestPath(connection: "code", repository: "team/app.git", endpoint: .infoRefs))
        #expect(refs?.upstreamPath == "team/app.git/info/refs")
        #expect(GitRequestPath(path: "/git/code/app/git-upload-pack")?.endpoint == .uploadPack)
        #expect(GitRequestPath(path: "/git/code/a/b/c.git/git-receive-pack")?.repository == "a/b/c.git")
    }

    @Test func anythingElseIsNotARequestPath() {
        for path in ["/git/code/app.git/objects/info/packs", "/git/code/info/refs", "/git/code/../etc/info/refs",
                     "/git/code/a//b/git-upload-pack", "/git/code/a/%2e%2e/git-upload-pack", "/gitx/code/a/info/refs",
                     "/git//a/info/refs", "/git/code/a/git-upload-pack/extra",
                     // Path parameters: Tomcat-style servers read `..;` as `..`.
                     "/git/code/..;/other/info/refs", "/git/code/app.git;x=y/info/refs", "/git/code/a\\..\\b/info/refs"] {
            #expect(GitRequestPath(path: path) == nil, "\(path)")
        }
    }
}

@Suite struct GitCredentialsTests {
    @Test func theTokenIsTheBearerOrTheBasicPassword() {
        #expect(GitCredentials.token(fromAuthorization: "Bearer abc.def") == "abc.def")
        #expect(GitCredentials.token(fromAuthorization: "bearer  abc") == "abc")
        let basic = "Basic " + Data("anyone:tok:en".utf8).base64EncodedString()
        #expect(GitCredentials.token(fromAuthorization: basic) == "tok:en")  // the password may hold colons
        #expect(GitCredentials.token(fromAuthorization: "Basic " + Data("user:".utf8).base64EncodedString()) == nil)
        #expect(GitCredentials.token(fromAuthorization: "Basic !!!") == nil)
        #expect(GitCredentials.token(fromAuthorization: "Digest x") == nil)
        #expect(GitCredentials.token(fromAuthorization: nil) == nil)
    }
}
