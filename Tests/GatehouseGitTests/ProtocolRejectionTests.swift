import Foundation

import Testing

@testable import GatehouseGit

/// Gatehouse's own push rejection, shown to the real `git push`: a fake server script replays
/// the real advertisement, swallows the request and answers with `ReceivePackRejection.body`.
@Suite struct ProtocolRejectionTests {
    private func push(_ git: ProtocolGitFixture, advertisement: [UInt8], response: [UInt8]) throws -> ProtocolGitFixture.Output {
        try Data(advertisement).write(to: git.root.appendingPathComponent("adv.bin"))
        try Data(response).write(to: git.root.appendingPathComponent("response.bin"))
        let server = try git.script("reject.sh", "cat '\(git.root.path)/adv.bin'; cat > /dev/null; cat '\(git.root.path)/response.bin'")
        try git.commit("three")
        return try git.git(["-C", git.work.path, "push", "--receive-pack=\(server)", "file://\(git.bare.path)", "main"], check: false)
    }

    private func mainUpdate(_ git: ProtocolGitFixture) throws -> RefUpdate {
        RefUpdate(old: try #require(GitObjectID(hex: try git.revParse("main"))), new: .zero, ref: "refs/heads/main")
    }

    @Test func gitPushShowsSidebandRejection() throws {
        let git = try ProtocolGitFixture()
        let advertisement = try git.git(["receive-pack", "--advertise-refs", git.bare.path]).stdout
        let body = try ReceivePackRejection.body(commands: [try mainUpdate(git)], reason: "denied by gatehouse policy", sideband: true,
                                                 message: "gatehouse: pushes to main need approval\nask in #deploys")
        let output = try push(git, advertisement: advertisement, response: body)
        #expect(output.status != 0)
        #expect(output.stderr.contains("remote: gatehouse: pushes to main need approval"))
        #expect(output.stderr.contains("remote: ask in #deploys"))
        #expect(output.stderr.contains("[remote rejected] main -> main (denied by gatehouse policy)"), "\(output.stderr)")
    }

    /// A held push's answer: progress while it waits, keepalives, then the report.
    @Test func gitPushReadsPastEarlyProgressAndKeepalives() throws {
        let git = try ProtocolGitFixture()
        let advertisement = try git.git(["receive-pack", "--advertise-refs", git.bare.path]).stdout
        let waiting = Sideband.progress.encode(message: "gatehouse: approval request apr_1 holds this push")
        let body = try ReceivePackRejection.body(commands: [try mainUpdate(git)], reason: "denied by bob", sideband: true)
        let output = try push(git, advertisement: advertisement,
                              response: waiting + Sideband.keepalive + Sideband.keepalive + body)
        #expect(output.status != 0)
        #expect(output.stderr.contains("remote: gatehouse: approval request apr_1 holds this push"), "\(output.stderr)")
        #expect(output.stderr.contains("[remote rejected] main -> main (denied by bob)"), "\(output.stderr)")
    }

    /// A held push that cannot be forwarded once its answer has started: band 3 fails it.
    @Test func gitPushFailsOnABandThreeErrorAfterProgress() throws {
        let git = try ProtocolGitFixture()
        let advertisement = try git.git(["receive-pack", "--advertise-refs", git.bare.path]).stdout
        let waiting = Sideband.progress.encode(message: "gatehouse: approval request apr_1 holds this push")
        let failed = Sideband.error.encode(message: "HTTP 502: gatehouse: upstream git.example unreachable")
        let output = try push(git, advertisement: advertisement, response: waiting + Sideband.keepalive + failed)
        #expect(output.status != 0)
        #expect(output.stderr.contains("remote: HTTP 502: gatehouse: upstream git.example unreachable"), "\(output.stderr)")
        #expect(output.stderr.contains("fatal: the remote end hung up unexpectedly"), "\(output.stderr)")
    }

    @Test func gitPushShowsPlainRejectionWithoutSideband() throws {
        let git = try ProtocolGitFixture()
        // Re-advertise the real refs without side-band so the client does not ask for it.
        let real = try RefAdvertisement.parse(try git.git(["receive-pack", "--advertise-refs", git.bare.path]).stdout)
        let capabilities = real.capabilities.filter { !$0.hasPrefix("side-band") }.joined(separator: " ")
        var advertisement: [UInt8] = []
        for (index, ref) in real.refs.enumerated() {
            advertisement += PktLine.encode(line: "\(ref.id) \(ref.name)" + (index == 0 ? "\0\(capabilities)" : ""))
        }
        advertisement += PktLine.flushBytes
        let body = try ReceivePackRejection.body(commands: [try mainUpdate(git)], reason: "frozen", sideband: false, message: "ignored")
        let output = try push(git, advertisement: advertisement, response: body)
        #expect(output.status != 0)
        #expect(output.stderr.contains("[remote rejected] main -> main (frozen)"), "\(output.stderr)")
        #expect(!output.stderr.contains("remote: ignored"))
    }

    @Test func reportStatusEncodesExactLines() throws {
        let report = try ReportStatus(unpackError: "index-pack failed", results: [.ok(ref: "refs/heads/a"), .rejected(ref: "refs/heads/b", reason: "no")]).encoded()
        #expect(String(decoding: report, as: UTF8.self) == "001dunpack index-pack failed\n0014ok refs/heads/a\n0017ng refs/heads/b no\n0000")
    }

    @Test func refusesMultiLineOrControlReasons() throws {
        let update = RefUpdate(old: .zero, new: .zero, ref: "refs/heads/a")
        for reason in ["two\nlines", "bell\u{7}", "", "esc\u{1B}[31m"] {
            let error = #expect(throws: GitProtocolError.self) {
                try ReceivePackRejection.body(commands: [update], reason: reason, sideband: true)
            }
            #expect(error == .invalidReportText(reason))
        }
        #expect(throws: GitProtocolError.self) {
            try ReceivePackRejection.body(commands: [update], reason: "ok", sideband: true, message: "clear\u{1B}[2J")
        }
    }
}
