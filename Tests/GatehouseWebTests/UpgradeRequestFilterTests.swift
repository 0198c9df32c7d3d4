import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import GatehouseWeb

/// Upgrade requests the gateway never accepts reach the routes as plain requests.
@Suite struct UpgradeRequestFilterTests {
    static func head(_ uri: String, _ headers: [(String, String)]) -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders(headers)))
    }

    func passed(_ part: HTTPServerRequestPart) throws -> (head: HTTPRequestHead, filterStays: Bool) {
        let channel = EmbeddedChannel()
        let filter = UpgradeRequestFilter { $0.hasSuffix("/exec") }
        try channel.pipeline.syncOperations.addHandler(filter)
        try channel.writeInbound(part)
        guard case .head(let head)? = try channel.readInbound(as: HTTPServerRequestPart.self) else { throw CancellationError() }
        let stays = (try? channel.pipeline.syncOperations.context(handler: filter)) != nil
        return (head, stays)
    }

    @Test func spdyAndOtherWebSocketsBecomePlainRequestsThatCloseTheConnection() throws {
        for (uri, upgrade) in [("/k8s/prod/api/v1/namespaces/a/pods/b/exec", "SPDY/3.1"), ("/k8s/prod/api/v1/namespaces/a/pods/b/attach", "websocket"),
                               ("/ui/sessions", "h2c")] {
            let (head, stays) = try passed(Self.head(uri, [("Upgrade", upgrade), ("Connection", "Upgrade")]))
            #expect(!head.headers.contains(name: "upgrade") && head.headers["connection"] == ["close"] && stays, "\(uri)")
        }
    }

    @Test func anExecWebSocketPassesAndTheFilterStepsOut() throws {
        let (head, stays) = try passed(Self.head("/k8s/prod/api/v1/namespaces/a/pods/b/exec?command=ls", [("Upgrade", "websocket"), ("Connection", "Upgrade")]))
        #expect(head.headers["upgrade"] == ["websocket"] && !stays)
        let (plain, plainStays) = try passed(Self.head("/k8s/prod/api", []))
        #expect(plain.headers.isEmpty && plainStays)
    }
}
