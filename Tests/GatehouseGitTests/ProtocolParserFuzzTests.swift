import GatehouseCore
import Testing

@testable import GatehouseGit

/// Mutated valid messages through every parser: each may refuse, none may trap.
@Suite struct ProtocolParserFuzzTests {
    private static let zero = String(repeating: "0", count: 40)
    private static let one = String(repeating: "1", count: 40)

    private static let seeds: [[UInt8]] = [
        PktLine.encode(line: "shallow \(one)") + PktLine.encode(line: "\(zero) \(one) refs/heads/a\0report-status push-options")
            + PktLine.encode(line: "\(one) \(zero) refs/heads/b") + PktLine.flushBytes + PktLine.encode(line: "opt") + PktLine.flushBytes
            + Array("PACK".utf8),
        PktLine.encode(line: "want \(one) side-band-64k") + PktLine.encode(line: "deepen 1") + PktLine.flushBytes
            + PktLine.encode(line: "have \(zero)") + PktLine.encode(line: "done"),
        PktLine.encode(line: "command=fetch") + PktLine.encode(line: "agent=x") + PktLine.delimiterBytes
            + PktLine.encode(line: "want \(one)") + PktLine.flushBytes,
        PktLine.encode(line: "# service=git-upload-pack") + PktLine.flushBytes + PktLine.encode(line: "\(one) HEAD\0symref=HEAD:refs/heads/a")
            + PktLine.encode(line: "\(one) refs/tags/t") + PktLine.encode(line: "\(zero) refs/tags/t^{}") + PktLine.flushBytes,
        PktLine.encode(line: "\(one) HEAD symref-target:refs/heads/a peeled:\(zero)") + PktLine.flushBytes,
    ]

    private func parseWithEveryParser(_ body: [UInt8]) {
        _ = try? ReceivePackRequest.parse(body)
        _ = try? UploadPackRequest.parse(body)
        _ = try? ProtocolV2Request.parse(body).fetchArguments()
        _ = try? RefAdvertisement.parse(body)
        _ = try? LsRefsResponse.parse(body)
    }

    @Test func seedsParseBeforeMutation() throws {
        let push = try ReceivePackRequest.parse(Self.seeds[0])
        #expect(push.shallows.count == 1 && push.commands.map(\.kind) == [.create, .delete] && push.pushOptions == ["opt"])
        #expect(push.packOffset == Self.seeds[0].count - 4)
    }

    @Test func mutatedMessagesNeverTrap() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            var body = Self.seeds[random.below(Self.seeds.count)]
            for _ in 0...random.below(4) {
                switch random.below(3) {
                case 0: body[random.below(body.count)] = UInt8(truncatingIfNeeded: random.next())
                case 1: body.removeSubrange(random.below(body.count)...)
                default: body.insert(UInt8(truncatingIfNeeded: random.next()), at: random.below(body.count + 1))
                }
                if body.isEmpty { break }
            }
            parseWithEveryParser(body)
        }
    }
}
