import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import GatehouseWeb

/// `/readyz`: 200 only when every check passes, the checks in the body either way, and open
/// without TLS to any caller (a load balancer holds no credential).
@Suite struct ReadinessTests {
    private func body(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func everyCheckPassingIsReady() async throws {
        let server = WebServer(address: "0.0.0.0", port: 0, tls: nil, devIssuer: nil, logger: Logger(label: "test"),
                               readiness: { [ReadinessCheck(name: "ledger", ok: true), ReadinessCheck(name: "listeners", ok: true, detail: "http")] })
        try await Application(router: server.makeRouter()).test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                let json = try body(response)
                #expect(json["ready"] as? Bool == true)
                let checks = try #require(json["checks"] as? [String: [String: Any]])
                #expect(checks["listeners"]?["detail"] as? String == "http" && checks["ledger"]?["ok"] as? Bool == true)
            }
        }
    }

    @Test func oneFailingCheckIsNotReadyAndSaysWhy() async throws {
        let server = WebServer(address: "0.0.0.0", port: 0, tls: nil, devIssuer: nil, logger: Logger(label: "test"),
                               readiness: { [ReadinessCheck(name: "ledger", ok: false, detail: "cannot reach the store"),
                                             ReadinessCheck(name: "checkpoints", ok: true)] })
        try await Application(router: server.makeRouter()).test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let json = try body(response)
                #expect(json["ready"] as? Bool == false)
                let checks = try #require(json["checks"] as? [String: [String: Any]])
                #expect(checks["ledger"]?["ok"] as? Bool == false && checks["ledger"]?["detail"] as? String == "cannot reach the store")
                #expect(checks["checkpoints"]?["ok"] as? Bool == true)
            }
        }
    }

    @Test func withoutChecksItIsReadyOnceListening() async throws {
        let server = WebServer(address: "127.0.0.1", port: 0, tls: nil, devIssuer: nil, logger: Logger(label: "test"))
        try await Application(router: server.makeRouter()).test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
