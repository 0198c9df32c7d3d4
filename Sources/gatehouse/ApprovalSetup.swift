import Foundation
import GatehouseApproval
import GatehouseConfig
import GatehouseIdentity
import GatehousePolicy
import GatehouseWeb
import Logging

/// The approval pieces `serve` and `demo` share: one broker for every connection (the
/// PostgreSQL sessions hold statements on it, the REST API decides on it), its expiry clock, and
/// the URL an approver opens for a request.
struct ApprovalSetup {
    let configuration: GatehouseConfiguration
    let broker: ApprovalBroker
    let url: @Sendable (String) -> String

    init(configuration: GatehouseConfiguration, logger: Logger) {
        self.configuration = configuration
        broker = ApprovalBroker { transition in
            // Sessions record every step in the ledger; this is the operator's log line.
            logger.info("approval", metadata: ["step": "\(transition)"])
        }
        let listener = configuration.httpListener
        let scheme = listener.tls == nil ? "http" : "https"
        let host = listener.address == "0.0.0.0" || listener.address == "::" ? "127.0.0.1" : listener.address
        let base = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(listener.port)"
        url = { id in "\(base)/api/v1/approvals/\(id)" }
    }

    /// The REST API, authenticating callers with the same token validation as the listener.
    func api(validator: TokenValidator) -> ApprovalAPI {
        let rules = Dictionary(uniqueKeysWithValues: configuration.connections.map { ($0.name, $0.approval) })
        return ApprovalAPI(broker: broker, rules: { rules[$0] }, authenticate: { try await validator.validate($0) }, approvalURL: url)
    }

    /// Expires requests past their deadline, every second (the waiting client then gets its
    /// timeout error), until cancelled.
    func startExpiring() -> Task<Void, Never> {
        let broker = broker
        return Task {
            while !Task.isCancelled {
                _ = broker.expireDue(now: Date())
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
