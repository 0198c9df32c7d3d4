import Testing

@testable import GatehouseGit

/// Advertisements produced by the real smart-HTTP server (`git http-backend`).
@Suite struct ProtocolAdvertisementTests {
    @Test func parsesV0UploadPackAdvertisementFromHttpBackend() throws {
        let git = try ProtocolGitFixture()
        let body = try git.httpBackend(method: "GET", path: "/upstream.git/info/refs", query: "service=git-upload-pack")
        let advertisement = try RefAdvertisement.parse(body)
        let main = try git.revParse("main")
        let tag = try git.revParse("v1")
        let tagged = try git.revParse("v1^{}")
        #expect(advertisement.service == "git-upload-pack")
        #expect(advertisement.version == 0)
        #expect(advertisement.refs.map(\.name) == ["HEAD", "refs/heads/main", "refs/tags/v1"])
        #expect(advertisement.refs.first?.id.hex == main)
        #expect(advertisement.refs.last == RefAdvertisement.Ref(name: "refs/tags/v1", id: try #require(GitObjectID(hex: tag)),
                                                                 peeled: GitObjectID(hex: tagged)))
        #expect(advertisement.capabilities.contains("side-band-64k"))
        #expect(advertisement.capabilities.contains("symref=HEAD:refs/heads/main"))
    }

    @Test func parsesV0ReceivePackAdvertisement() throws {
        let git = try ProtocolGitFixture()
        let body = try git.httpBackend(method: "GET", path: "/upstream.git/info/refs", query: "service=git-receive-pack")
        let advertisement = try RefAdvertisement.parse(body)
        #expect(advertisement.service == "git-receive-pack")
        #expect(advertisement.refs.map(\.name) == ["refs/heads/main", "refs/tags/v1"])
        #expect(advertisement.capabilities.contains("report-status"))
        #expect(advertisement.capabilities.contains("push-options"))
    }

    @Test func emptyRepositoryAdvertisesCapabilitiesOnly() throws {
        let git = try ProtocolGitFixture()
        let empty = git.root.appendingPathComponent("empty.git")
        try git.git(["init", "-q", "--bare", empty.path])
        let output = try git.git(["receive-pack", "--advertise-refs", empty.path])
        let advertisement = try RefAdvertisement.parse(output.stdout)
        #expect(advertisement.service == nil)
        #expect(advertisement.refs.isEmpty)
        #expect(advertisement.capabilities.contains("report-status"))
    }

    @Test func parsesV2CapabilityAdvertisement() throws {
        let git = try ProtocolGitFixture()
        let body = try git.httpBackend(method: "GET", path: "/upstream.git/info/refs", query: "service=git-upload-pack",
                                       gitProtocol: "version=2")
        let advertisement = try RefAdvertisement.parse(body)
        // A v2 server leaves out the `# service=` line (gitprotocol-http).
        #expect(advertisement.service == nil)
        #expect(advertisement.version == 2)
        #expect(advertisement.refs.isEmpty)
        #expect(advertisement.capabilities.contains("ls-refs=unborn"))
        #expect(advertisement.capabilities.contains { $0.hasPrefix("fetch") })
        #expect(advertisement.capabilities.contains("object-format=sha1"))
    }

    @Test func parsesRealLsRefsResponse() throws {
        let git = try ProtocolGitFixture()
        let request = PktLine.encode(line: "command=ls-refs") + PktLine.delimiterBytes + PktLine.encode(line: "peel")
            + PktLine.encode(line: "symrefs") + PktLine.encode(line: "unborn") + PktLine.flushBytes
        let body = try git.httpBackend(method: "POST", path: "/upstream.git/git-upload-pack", body: request, gitProtocol: "version=2",
                                       contentType: "application/x-git-upload-pack-request")
        let response = try LsRefsResponse.parse(body)
        let main = try #require(GitObjectID(hex: try git.revParse("main")))
        #expect(response.refs.first == LsRefsResponse.Entry(name: "HEAD", id: main, symrefTarget: "refs/heads/main"))
        #expect(response.refs.map(\.name) == ["HEAD", "refs/heads/main", "refs/tags/v1"])
        #expect(response.refs.last?.peeled?.hex == (try git.revParse("v1^{}")))
    }

    @Test func parsesUnbornHeadAndRejectsUnknownAttributes() throws {
        let body = PktLine.encode(line: "unborn HEAD symref-target:refs/heads/main") + PktLine.flushBytes
        let response = try LsRefsResponse.parse(body)
        #expect(response.refs == [LsRefsResponse.Entry(name: "HEAD", id: nil, symrefTarget: "refs/heads/main")])
        let bad = PktLine.encode(line: "\(String(repeating: "a", count: 40)) refs/heads/x colour:blue") + PktLine.flushBytes
        let error = #expect(throws: GitProtocolError.self) { try LsRefsResponse.parse(bad) }
        #expect(error?.description.contains("at byte 0") == true)
    }

    @Test func peeledLineMustFollowItsTag() throws {
        let id = String(repeating: "1", count: 40)
        let body = PktLine.encode(line: "\(id) refs/heads/a\0caps") + PktLine.encode(line: "\(id) refs/tags/b^{}") + PktLine.flushBytes
        let error = #expect(throws: GitProtocolError.self) { try RefAdvertisement.parse(body) }
        #expect(error?.description.contains("peeled line") == true)
    }
}
