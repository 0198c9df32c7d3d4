import Testing

@testable import GatehouseGit

/// Push requests as the real git client sends them, recorded by a wrapper around the real server.
@Suite struct ProtocolReceivePackTests {
    private func id(_ hex: String) throws -> GitObjectID { try #require(GitObjectID(hex: hex)) }

    @Test func parsesRealPushWithPackAndPushOptions() throws {
        let git = try ProtocolGitFixture()
        let old = try git.revParse("main")
        try git.commit("three")
        let new = try git.revParse("main")
        let server = try git.recordingServer("receive-pack", into: "push.bin")
        try git.git(["-C", git.work.path, "push", "-q", "--receive-pack=\(server)", "-o", "ci.skip", "-o", "reason=demo",
                     "file://\(git.bare.path)", "main", "main:refs/heads/feature"])
        let body = try git.recorded("push.bin")
        let request = try ReceivePackRequest.parse(body)
        #expect(request.commands == [
            RefUpdate(old: try id(old), new: try id(new), ref: "refs/heads/main"),
            RefUpdate(old: .zero, new: try id(new), ref: "refs/heads/feature"),
        ])
        #expect(request.commands.map(\.kind) == [.update, .create])
        #expect(request.capabilities.contains("report-status-v2") || request.capabilities.contains("report-status"))
        #expect(request.capabilities.contains("push-options"))
        #expect(request.usesSideband && request.sidebandMaxChunk == Sideband.maxChunk64k)
        #expect(request.pushOptions == ["ci.skip", "reason=demo"])
        // The pack starts exactly at packOffset: "PACK", version 2.
        #expect(Array(body[request.packOffset...].prefix(8)) == Array("PACK".utf8) + [0, 0, 0, 2])
        // git itself accepts the bytes from packOffset on as a pack.
        let indexed = try git.git(["-C", git.bare.path, "index-pack", "--stdin", "--fix-thin"], stdin: Array(body[request.packOffset...]))
        #expect(String(decoding: indexed.stdout, as: UTF8.self).hasPrefix("pack\t"))
    }

    /// Messages the gateway sends in band must fit the client's variant: 1000-byte packets for
    /// the old `side-band` (git itself always asks for side-band-64k when pushing, so this is
    /// for other clients).
    @Test func sidebandChunkFollowsTheClientsVariant() {
        let legacy = ReceivePackRequest(commands: [], capabilities: ["report-status", "side-band"], packOffset: 0)
        #expect(legacy.usesSideband && legacy.sidebandMaxChunk == Sideband.maxChunkLegacy)
        let both = ReceivePackRequest(commands: [], capabilities: ["side-band", "side-band-64k"], packOffset: 0)
        #expect(both.sidebandMaxChunk == Sideband.maxChunk64k)
        #expect(!ReceivePackRequest(commands: [], capabilities: ["report-status"], packOffset: 0).usesSideband)
    }

    @Test func deleteOnlyPushHasNoPack() throws {
        let git = try ProtocolGitFixture()
        try git.git(["-C", git.work.path, "push", "-q", git.bare.path, "main:refs/heads/doomed"])
        let server = try git.recordingServer("receive-pack", into: "delete.bin")
        try git.git(["-C", git.work.path, "push", "-q", "--receive-pack=\(server)", "file://\(git.bare.path)", ":refs/heads/doomed"])
        let body = try git.recorded("delete.bin")
        let request = try ReceivePackRequest.parse(body)
        #expect(request.commands.map(\.kind) == [.delete])
        #expect(request.commands.first?.ref == "refs/heads/doomed")
        #expect(request.packOffset == body.count)
    }

    @Test func incompleteCommandListIsATruncationNotARefusal() throws {
        let zero = String(repeating: "0", count: 40), one = String(repeating: "1", count: 40)
        let full = PktLine.encode(line: "\(zero) \(one) refs/heads/a\0report-status") + PktLine.flushBytes
        for end in 0..<full.count {
            let error = #expect(throws: GitProtocolError.self) { try ReceivePackRequest.parse(full[..<end]) }
            #expect(error?.isTruncation == true)
        }
        let request = try ReceivePackRequest.parse(full)
        #expect(request.packOffset == full.count && request.capabilities == ["report-status"])
    }

    @Test(arguments: [
        ("main", "does not start with \"refs/\""),
        ("refs/heads/a..b", "\"..\""),
        ("/refs/heads/a", "starts with \"/\""),
        ("refs/heads/a\u{1}b", "control character 0x1"),
        ("refs/heads/x.lock", ".lock"),
        ("refs/heads/a b", "contains \" \""),
        ("refs/heads/", "ends with \"/\""),
        ("refs/heads/a@{1}", "@{"),
        ("refs/heads/" + String(repeating: "x", count: 1020), "longer than 1024 bytes"),
    ])
    func refusesInvalidRefNames(name: String, reason: String) throws {
        let zero = String(repeating: "0", count: 40), one = String(repeating: "1", count: 40)
        let body = PktLine.encode(line: "\(zero) \(one) \(name)\0report-status") + PktLine.flushBytes
        let error = #expect(throws: GitProtocolError.self) { try ReceivePackRequest.parse(body) }
        #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.description.contains("\u{1}") == false)
    }

    @Test func acceptsOrdinaryRefNames() throws {
        for name in ["refs/heads/main", "refs/heads/feature/x-1", "refs/tags/v1.0", "refs/heads/ünïcode"] {
            try RefName.validate(name, requireRefsPrefix: true)
        }
        try RefName.validate("HEAD", requireRefsPrefix: false)
    }

    @Test func commandCountLimitApplies() throws {
        let zero = String(repeating: "0", count: 40), one = String(repeating: "1", count: 40)
        let lines = (0..<4).flatMap { index in PktLine.encode(line: "\(zero) \(one) refs/heads/b\(index)" + (index == 0 ? "\0atomic" : "")) }
        let error = #expect(throws: GitProtocolError.self) {
            try ReceivePackRequest.parse(lines + PktLine.flushBytes, limits: GitProtocolLimits(maxCommands: 3))
        }
        #expect(error == .tooManyCommands(limit: 3))
        #expect(error?.description == "request exceeds the limit of 3 commands")
    }

    @Test func refusesMalformedCommandsAndSignedPushes() throws {
        let one = String(repeating: "1", count: 40)
        let short = PktLine.encode(line: "\(one) refs/heads/a") + PktLine.flushBytes
        let shortError = #expect(throws: GitProtocolError.self) { try ReceivePackRequest.parse(short) }
        #expect(shortError?.description.contains("<old-oid> <new-oid> <refname>") == true)
        let signed = PktLine.encode(line: "push-cert\0report-status") + PktLine.flushBytes
        let signedError = #expect(throws: GitProtocolError.self) { try ReceivePackRequest.parse(signed) }
        #expect(signedError == .unsupported("push-cert (signed push)", offset: 0))
    }
}
