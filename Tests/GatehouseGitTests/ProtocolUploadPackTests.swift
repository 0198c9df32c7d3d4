import Testing

@testable import GatehouseGit

/// Fetch requests as the real git client sends them, recorded by a wrapper around the real server.
@Suite struct ProtocolUploadPackTests {
    private func id(_ hex: String) throws -> GitObjectID { try #require(GitObjectID(hex: hex)) }

    @Test func parsesRealV0CloneRequest() throws {
        let git = try ProtocolGitFixture()
        let server = try git.recordingServer("upload-pack", into: "clone.bin")
        try git.git(["-c", "protocol.version=0", "clone", "-q", "--upload-pack=\(server)", "file://\(git.bare.path)", git.root.appendingPathComponent("c").path])
        let request = try UploadPackRequest.parse(try git.recorded("clone.bin"))
        #expect(Set(request.wants) == [try id(git.revParse("main")), try id(git.revParse("v1"))])
        #expect(request.haves.isEmpty)
        #expect(request.done)
        #expect(request.capabilities.contains("side-band-64k"))
        #expect(request.capabilities.contains("ofs-delta"))
    }

    @Test func parsesRealV0FetchWithHavesAndShallowClone() throws {
        let git = try ProtocolGitFixture()
        let clone = git.root.appendingPathComponent("c")
        try git.git(["clone", "-q", "file://\(git.bare.path)", clone.path])
        let known = try git.revParse("main")
        try git.commit("three")
        try git.git(["-C", git.work.path, "push", "-q", git.bare.path, "main"])
        let server = try git.recordingServer("upload-pack", into: "fetch.bin")
        try git.git(["-C", clone.path, "-c", "protocol.version=0", "fetch", "-q", "--upload-pack=\(server)", "origin"])
        let fetch = try UploadPackRequest.parse(try git.recorded("fetch.bin"))
        #expect(fetch.wants == [try id(git.revParse("main"))])
        #expect(fetch.haves.contains(try id(known)))
        #expect(fetch.done)

        let shallowServer = try git.recordingServer("upload-pack", into: "shallow.bin")
        try git.git(["-c", "protocol.version=0", "clone", "-q", "--no-checkout", "--depth=1", "--filter=blob:none", "--upload-pack=\(shallowServer)",
                     "file://\(git.bare.path)", git.root.appendingPathComponent("s").path])
        let shallow = try UploadPackRequest.parse(try git.recorded("shallow.bin"))
        #expect(shallow.deepen == "deepen 1")
        #expect(shallow.filter == "blob:none")
    }

    @Test func parsesRealV2LsRefsAndFetchRequests() throws {
        let git = try ProtocolGitFixture()
        let server = try git.recordingServer("upload-pack", into: "v2.bin")
        try git.git(["-c", "protocol.version=2", "clone", "-q", "--upload-pack=\(server)", "file://\(git.bare.path)", git.root.appendingPathComponent("c").path])
        // Over a pipe both requests share one stream; over HTTP each is its own POST body.
        let stream = try git.recorded("v2.bin")
        let (lsRefs, used) = try ProtocolV2Request.parsePrefix(stream)
        #expect(lsRefs.command == "ls-refs")
        #expect(lsRefs.capabilities.contains("object-format=sha1"))
        #expect(lsRefs.capabilities.contains { $0.hasPrefix("agent=git/") })
        #expect(lsRefs.lsRefs?.refPrefixes == ["HEAD", "refs/heads/", "refs/tags/"])
        #expect(lsRefs.lsRefs?.peel == true && lsRefs.lsRefs?.symrefs == true)
        let fetch = try ProtocolV2Request.parse(stream[used...])
        let arguments = try #require(try fetch.fetchArguments())
        #expect(fetch.command == "fetch" && fetch.lsRefs == nil)
        #expect(Set(arguments.wants) == [try id(git.revParse("main")), try id(git.revParse("v1"))])
        #expect(arguments.done)
        #expect(fetch.arguments.contains("ofs-delta"))
    }

    @Test func typedFetchViewReadsWantRefsAndHaves() throws {
        let oid = String(repeating: "ab", count: 20)
        let arguments = try FetchArguments(arguments: ["want-ref refs/heads/main", "have \(oid)", "filter tree:0", "done"])
        #expect(arguments.wantRefs == ["refs/heads/main"])
        #expect(arguments.haves == [try id(oid)])
        #expect(arguments.filter == "tree:0" && arguments.done)
    }

    @Test func malformedRequestsThrowPositionedErrors() throws {
        let badWant = PktLine.encode(line: "want 1234") + PktLine.flushBytes
        let wantError = #expect(throws: GitProtocolError.self) { try UploadPackRequest.parse(badWant) }
        #expect(wantError == .invalidObjectID("1234", offset: 0))

        let oid = String(repeating: "c", count: 40)
        let stray = PktLine.encode(line: "want \(oid)") + PktLine.flushBytes + PktLine.encode(line: "hello")
        let strayError = #expect(throws: GitProtocolError.self) { try UploadPackRequest.parse(stray) }
        #expect(strayError == .unexpectedLine("hello", expected: "have line, flush or done", offset: 54))

        let noWants = PktLine.flushBytes + PktLine.encode(line: "done")
        #expect(throws: GitProtocolError.self) { try UploadPackRequest.parse(noWants) }

        let unterminated = PktLine.encode(line: "want \(oid)")
        let truncation = #expect(throws: GitProtocolError.self) { try UploadPackRequest.parse(unterminated) }
        #expect(truncation?.isTruncation == true)

        let badV2 = PktLine.encode(line: "command=fetch") + PktLine.delimiterBytes + PktLine.encode(line: "want xyz") + PktLine.flushBytes
        let v2Error = #expect(throws: GitProtocolError.self) { try ProtocolV2Request.parse(badV2) }
        #expect(v2Error == .invalidObjectID("xyz", offset: 22))

        let noCommand = PktLine.encode(line: "agent=x") + PktLine.flushBytes
        #expect(throws: GitProtocolError.self) { try ProtocolV2Request.parse(noCommand) }
    }

    @Test func requestLineLimitApplies() throws {
        let oid = String(repeating: "d", count: 40)
        let body = (0..<5).flatMap { _ in PktLine.encode(line: "want \(oid)") } + PktLine.flushBytes
        let error = #expect(throws: GitProtocolError.self) {
            try UploadPackRequest.parse(body, limits: GitProtocolLimits(maxRequestLines: 3))
        }
        #expect(error == .tooManyCommands(limit: 3))
    }
}
