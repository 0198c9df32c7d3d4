import Testing

@testable import GatehouseGit

/// The first packet of an upload-pack answer, predicted from the request (so a held fetch can
/// start its answer early), checked against what the real server (`git http-backend`) answers
/// to real git requests.
@Suite struct ProtocolFetchAnswerOpeningTests {
    /// The real server's answer, read through the reader: what the gateway would relay.
    private func relayed(_ answer: [UInt8], _ opening: FetchAnswerOpening, chunk: Int) -> FetchAnswerOpeningReader.Result {
        var reader = FetchAnswerOpeningReader(expecting: opening)
        var index = 0
        while index < answer.count {
            let end = min(index + chunk, answer.count)
            let result = reader.read(answer[index..<end])
            // What the gateway relays: the rest of this chunk, then the chunks after it.
            if case .matched(let rest) = result { return .matched(rest: rest + answer[end...]) }
            if result != .needMore { return result }
            index = end
        }
        return .needMore
    }

    private func startsWithSideband(_ rest: [UInt8]) -> Bool {
        rest.count > 5 && [1, 2].contains(rest[4])
    }

    @Test func aV0CloneOpensWithNAK() throws {
        let git = try ProtocolGitFixture()
        let server = try git.recordingServer("upload-pack", into: "clone.bin")
        try git.git(["-c", "protocol.version=0", "clone", "-q", "--upload-pack=\(server)", "file://\(git.bare.path)",
                     git.root.appendingPathComponent("c").path])
        let body = try git.recorded("clone.bin")
        let opening = try #require(FetchAnswerOpening.v0(try UploadPackRequest.parse(body)))
        #expect(opening.packet == PktLine.encode(line: "NAK") && opening.maxChunk == Sideband.maxChunk64k)

        let answer = try git.httpBackend(method: "POST", path: "/upstream.git/git-upload-pack", body: body,
                                         contentType: "application/x-git-upload-pack-request")
        for chunk in [1, 3, 4096] {
            guard case .matched(let rest) = relayed(answer, opening, chunk: chunk) else {
                Issue.record("the real answer does not open with NAK: \(String(decoding: answer.prefix(40), as: UTF8.self))")
                return
            }
            #expect(startsWithSideband(rest))
        }
    }

    @Test func aV2CloneOpensWithThePackfileSection() throws {
        let git = try ProtocolGitFixture()
        let server = try git.recordingServer("upload-pack", into: "v2.bin")
        try git.git(["-c", "protocol.version=2", "clone", "-q", "--upload-pack=\(server)", "file://\(git.bare.path)",
                     git.root.appendingPathComponent("c").path])
        let stream = try git.recorded("v2.bin")
        let (lsRefs, used) = try ProtocolV2Request.parsePrefix(stream)
        #expect(FetchAnswerOpening.v2(lsRefs) == nil)
        let fetchBody = Array(stream[used...])
        let opening = try #require(FetchAnswerOpening.v2(try ProtocolV2Request.parse(fetchBody)))
        #expect(opening.packet == PktLine.encode(line: "packfile"))

        let answer = try git.httpBackend(method: "POST", path: "/upstream.git/git-upload-pack", body: fetchBody, gitProtocol: "version=2",
                                         contentType: "application/x-git-upload-pack-request")
        guard case .matched(let rest) = relayed(answer, opening, chunk: 7) else {
            Issue.record("the real answer does not open with packfile: \(String(decoding: answer.prefix(40), as: UTF8.self))")
            return
        }
        #expect(startsWithSideband(rest))
    }

    /// With `done`, the server skips acknowledgments even when the client sent haves.
    @Test func aV2FetchWithHavesAndDoneOpensWithThePackfileSection() throws {
        let git = try ProtocolGitFixture()
        let known = try git.revParse("main")
        try git.commit("three")
        try git.git(["-C", git.work.path, "push", "-q", git.bare.path, "main"])
        var body = PktLine.encode(line: "command=fetch") + PktLine.encode(line: "object-format=sha1") + PktLine.delimiterBytes
        for line in ["thin-pack", "ofs-delta", "want \(try git.revParse("main"))", "have \(known)", "done"] {
            body += PktLine.encode(line: line)
        }
        body += PktLine.flushBytes
        let opening = try #require(FetchAnswerOpening.v2(try ProtocolV2Request.parse(body)))
        let answer = try git.httpBackend(method: "POST", path: "/upstream.git/git-upload-pack", body: body, gitProtocol: "version=2",
                                         contentType: "application/x-git-upload-pack-request")
        guard case .matched(let rest) = relayed(answer, opening, chunk: 4096) else {
            Issue.record("the real answer does not open with packfile: \(String(decoding: answer.prefix(40), as: UTF8.self))")
            return
        }
        #expect(startsWithSideband(rest))
    }

    @Test func answersThatCannotBePredictedHaveNoOpening() throws {
        let id = String(repeating: "a", count: 40)
        func v2(_ arguments: [String]) -> FetchAnswerOpening? {
            FetchAnswerOpening.v2(ProtocolV2Request(command: "fetch", arguments: arguments))
        }
        #expect(v2(["want \(id)", "done"]) != nil)
        #expect(v2(["want \(id)", "have \(id)"]) == nil)  // negotiation: acknowledgments come first
        for adding in ["deepen 1", "deepen-since 1700000000", "deepen-not main", "shallow \(id)", "want-ref refs/heads/main",
                       "packfile-uris https", "sideband-all", "wait-for-done"] {
            #expect(v2(["want \(id)", adding, "done"]) == nil, "\(adding)")
        }
        #expect(FetchAnswerOpening.v2(ProtocolV2Request(command: "ls-refs", arguments: ["done"])) == nil)

        let object = try #require(GitObjectID(hex: id))
        func v0(capabilities: [String] = ["side-band-64k"], haves: [GitObjectID] = [], shallows: [GitObjectID] = [],
                deepen: String? = nil, done: Bool = true) -> FetchAnswerOpening? {
            FetchAnswerOpening.v0(UploadPackRequest(wants: [object], haves: haves, capabilities: capabilities, shallows: shallows,
                                                    deepen: deepen, filter: nil, done: done))
        }
        #expect(v0() != nil)
        #expect(v0(capabilities: ["side-band"])?.maxChunk == Sideband.maxChunkLegacy)
        #expect(v0(capabilities: []) == nil)  // no side-band: no room for a message
        #expect(v0(haves: [object]) == nil)  // the server may ACK
        #expect(v0(shallows: [object]) == nil && v0(deepen: "deepen 1") == nil && v0(done: false) == nil)
    }

    @Test func theReaderReportsWhatItCannotRelay() {
        let opening = FetchAnswerOpening(packet: PktLine.encode(line: "packfile"), maxChunk: Sideband.maxChunk64k)
        func read(_ bytes: [UInt8]) -> FetchAnswerOpeningReader.Result {
            var reader = FetchAnswerOpeningReader(expecting: opening)
            return reader.read(bytes)
        }
        #expect(read(Array("000".utf8)) == .needMore)
        #expect(read(PktLine.encode(line: "ERR access denied")) == .remoteError("access denied"))
        #expect(read(PktLine.encode(line: "acknowledgments")) == .unexpected("'acknowledgments' where 'packfile' was expected"))
        #expect(read(PktLine.flushBytes) == .unexpected("flush where 'packfile' was expected"))
        guard case .unexpected = read(Array("zzzz".utf8)) else {
            Issue.record("a bad length is not a packet")
            return
        }
    }
}
